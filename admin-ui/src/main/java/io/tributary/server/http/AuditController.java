package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.AuditEvent;
import io.tributary.catalog.AuditQuery;
import io.tributary.catalog.AuditVerification;
import io.tributary.catalog.Catalog;
import io.tributary.server.http.Api.Access;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The audit trail: filter, page, verify the hash chain. */
public final class AuditController implements Controller {

  private final Catalog catalog;

  public AuditController(Catalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/audit", Access.VIEWER,
        "Audit events, newest first (?env, actor, action, since, until as ISO-8601, limit ≤ 1000, offset)", this::list);
    api.get("/api/v1/audit/export.csv", Access.VIEWER,
        "The same events as CSV for a spreadsheet (same filters); formula-like cells are prefixed with '",
        this::exportCsv);
    api.get("/api/v1/audit/verify", Access.VIEWER,
        "Check the audit trail: the hash chain, its sealed head (truncation), this node's high-water mark"
            + " (rollback) and every pipeline revision's seal: valid, how many events, the first problem"
            + " (firstBroken, problem, kind)", this::verify);
  }

  private void list(Context ctx) {
    ctx.json(catalog.audit().query(query(ctx)).stream().map(AuditController::event).toList());
  }

  private void exportCsv(Context ctx) {
    String csv = AuditCsv.write(catalog.audit().query(query(ctx)));
    ctx.contentType("text/csv; charset=utf-8")
        .header("Content-Disposition", "attachment; filename=\"tributary-audit.csv\"")
        .result(csv);
  }

  private static AuditQuery query(Context ctx) {
    try {
      return new AuditQuery(ctx.queryParam("env"), ctx.queryParam("actor"), ctx.queryParam("action"),
          instant(ctx, "since"), instant(ctx, "until"), integer(ctx, "limit", 100), integer(ctx, "offset", 0));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  static Map<String, Object> event(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("at", e.at().toString());
    m.put("actor", e.actor());
    m.put("action", e.action());
    m.put("target", e.target());
    m.put("before", e.before());
    m.put("after", e.after());
    m.put("reason", e.reason());
    m.put("hash", e.hash());
    return m;
  }

  private void verify(Context ctx) {
    AuditVerification v = catalog.audit().verify();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("valid", v.valid());
    m.put("events", v.events());
    if (!v.valid()) {
      m.put("firstBroken", v.firstBroken());
      m.put("problem", v.problem());
      m.put("kind", v.kind());
    }
    ctx.json(m);
  }

  private static Instant instant(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("'" + name + "' must be an ISO-8601 instant like 2026-01-31T12:00:00Z");
    }
  }

  private static int integer(Context ctx, String name, int otherwise) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("'" + name + "' must be an integer");
    }
  }
}
