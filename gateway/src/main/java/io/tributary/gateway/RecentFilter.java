package io.tributary.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Which of the gateway's recent items to show ({@link Gateway#recent(RecentFilter, int)}); every
 * part is optional and the parts combine with AND. Checked by the caller (the admin API says which
 * parameter is wrong); matched here, on request, never on the data plane's path.
 *
 * @param attributeKey an attribute of the span, log record or data point, its resource or its
 *     scope; null for any item
 * @param attributeValue the attribute's value as text (a string as it is, numbers and booleans as
 *     JSON writes them); null when the key being there is enough
 * @param traceId the start of the trace id, lowercase hex; null for any
 * @param stage a stage's processor id ({@code pii-redaction}) or coordinates ({@code
 *     pii-redaction@1.0.0}) as lineage names it; null for any stage
 * @param outcome what that stage (or, without {@code stage}, any stage) did, as lineage labels it
 *     ({@code modified}, {@code failed}, {@code skipped}, …); null for any outcome
 * @param deadLettered true for dead-lettered items only, false for exported items only, null for both
 * @param after only items whose sequence number is greater; -1 for all
 */
public record RecentFilter(String attributeKey, String attributeValue, String traceId, String stage,
    String outcome, Boolean deadLettered, long after) {

  /** Every item. */
  public static final RecentFilter ALL = new RecentFilter(null, null, null, null, null, null, -1);

  /** Whether only the item's kind, sequence number and lineage are looked at (no JSON to build). */
  boolean lineageOnly() {
    return attributeKey == null && traceId == null;
  }

  /** The cheap part: sequence number, exported or dead-lettered, and lineage. */
  boolean matches(long seq, boolean dead, String lineage) {
    if (seq <= after) {
      return false;
    }
    if (deadLettered != null && deadLettered != dead) {
      return false;
    }
    if (stage == null && outcome == null) {
      return true;
    }
    if (lineage == null) {
      return false;
    }
    // "env#revision coordinates=outcome coordinates=outcome …": the first word is the revision.
    int at = lineage.indexOf(' ');
    while (at >= 0) {
      int next = lineage.indexOf(' ', at + 1);
      String word = next < 0 ? lineage.substring(at + 1) : lineage.substring(at + 1, next);
      int eq = word.lastIndexOf('=');
      if (eq > 0 && stageMatches(word.substring(0, eq)) && (outcome == null || outcome.equals(word.substring(eq + 1)))) {
        return true;
      }
      at = next;
    }
    return false;
  }

  private boolean stageMatches(String coordinates) {
    return stage == null || coordinates.equals(stage)
        || (coordinates.startsWith(stage) && coordinates.length() > stage.length() && coordinates.charAt(stage.length()) == '@');
  }

  /** The rest, on the item's line (signal, resource, scope, and its span, log record or metric). */
  boolean matches(ObjectNode line) {
    if (traceId != null) {
      JsonNode record = line.has("span") ? line.get("span") : line.get("logRecord");
      String id = record == null ? "" : record.path("traceId").asText("");
      if (!id.toLowerCase(Locale.ROOT).startsWith(traceId)) {
        return false;
      }
    }
    if (attributeKey != null) {
      return has(line.path("resource").path("attributes")) || has(line.path("scope").path("attributes"))
          || has(line.path("span").path("attributes")) || has(line.path("logRecord").path("attributes"))
          || points(line.path("metric").path("gauge")) || points(line.path("metric").path("sum"));
    }
    return true;
  }

  private boolean points(JsonNode data) {
    for (JsonNode point : data.path("dataPoints")) {
      if (has(point.path("attributes"))) {
        return true;
      }
    }
    return false;
  }

  private boolean has(JsonNode attributes) {
    for (JsonNode kv : attributes) {
      if (attributeKey.equals(kv.path("key").asText(null))
          && (attributeValue == null || attributeValue.equals(text(kv.path("value"))))) {
        return true;
      }
    }
    return false;
  }

  /** An OTLP/JSON AnyValue as the text a filter compares: scalars as they read, the rest as JSON. */
  private static String text(JsonNode value) {
    for (String kind : new String[] {"stringValue", "intValue", "doubleValue", "boolValue"}) {
      if (value.has(kind)) {
        return value.get(kind).asText();
      }
    }
    return value.toString();
  }
}
