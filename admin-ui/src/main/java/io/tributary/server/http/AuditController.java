package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.AuditEvent;
import io.tributary.catalog.AuditQuery;
import io.tributary.catalog.AuditVerification;
import io.tributary.catalog.Catalog;
import io.tributary.server.http.Api.Access;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The audit trail: filter, page, verify the hash chain. */
public final class AuditController implements Controller {

  private final Catalog catalog;

  public AuditController(Catalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** Events per page unless {@code limit} says otherwise, and the most one page holds. */
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private static final ObjectMapper STORED = new ObjectMapper();

  @Override
  public void register(Api api) {
    api.get("/api/v1/audit", Access.VIEWER,
        "Audit events, newest first, as a JSON array (before and after as JSON objects, diff: a pipeline"
            + " change stage by stage). Filters: env (exact), actor, action, target, q (reason, before or"
            + " after) match case-insensitively as contains, literally, at most "
            + AuditQuery.MAX_FILTER_LENGTH + " characters; since, until as ISO-8601. Paging: limit (default "
            + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ": more is clamped and X-Limit-Clamped says so),"
            + " before=<id> for older events, after=<id> for newer ones, offset; the headers X-Has-More"
            + " (older events exist) and X-Has-Newer answer whether there is more, Link gives the next"
            + " (older) and prev (newer) pages", this::list);
    api.get("/api/v1/audit/export.json", Access.VIEWER,
        "The same events as a JSON file (same filters and paging): before and after as JSON objects",
        this::exportJson);
    api.get("/api/v1/audit/export.csv", Access.VIEWER,
        "The same events as CSV for a spreadsheet (same filters and paging); formula-like cells are prefixed with '",
        this::exportCsv);
    api.get("/api/v1/audit/verify", Access.VIEWER,
        "Check the audit trail: the hash chain, its sealed head (truncation), this node's high-water mark"
            + " (rollback) and every pipeline revision's seal: valid, how many events, the first problem"
            + " (firstBroken, problem, kind)", this::verify);
  }

  private void list(Context ctx) {
    ctx.json(page(ctx).stream().map(AuditController::event).toList());
  }

  private void exportJson(Context ctx) {
    List<Map<String, Object>> events = page(ctx).stream().map(AuditController::event).toList();
    ctx.header("Content-Disposition", "attachment; filename=\"tributary-audit.json\"").json(events);
  }

  private void exportCsv(Context ctx) {
    String csv = AuditCsv.write(page(ctx));
    ctx.contentType("text/csv; charset=utf-8")
        .header("Content-Disposition", "attachment; filename=\"tributary-audit.csv\"")
        .result(csv);
  }

  /**
   * One page of events for the request's filters, newest first; sets the paging headers: {@code
   * X-Has-More} (older events match), {@code X-Has-Newer}, {@code Link} to both pages, and {@code
   * X-Limit-Clamped} when the limit asked for was over {@link #MAX_LIMIT}.
   */
  private List<AuditEvent> page(Context ctx) {
    AuditQuery q = query(ctx);
    AuditQuery probe = copy(q, q.beforeId(), q.afterId(), q.limit() + 1, q.offset());
    List<AuditEvent> found = new ArrayList<>(catalog.audit().query(probe));
    boolean upwards = q.afterId() != null && q.beforeId() == null;
    boolean older;
    boolean newer;
    if (upwards) {
      // Newest first, the extra one (if any) is the newest: there are newer events still.
      newer = found.size() > q.limit();
      if (newer) {
        found.remove(0);
      }
      long oldest = found.isEmpty() ? q.afterId() + 1 : found.get(found.size() - 1).id();
      older = exists(copy(q, oldest, null, 1, 0));
    } else {
      older = found.size() > q.limit();
      if (older) {
        found.remove(found.size() - 1);
      }
      if (!found.isEmpty()) {
        newer = exists(copy(q, null, found.get(0).id(), 1, 0));
      } else if (q.beforeId() != null) {
        newer = exists(copy(q, null, q.beforeId() - 1, 1, 0));
      } else {
        newer = q.offset() > 0;
      }
    }
    ctx.header("X-Has-More", String.valueOf(older));
    ctx.header("X-Has-Newer", String.valueOf(newer));
    List<String> links = new ArrayList<>();
    if (older && !found.isEmpty()) {
      links.add("<" + link(ctx, "before", found.get(found.size() - 1).id(), q.limit()) + ">; rel=\"next\"");
    }
    if (newer && !found.isEmpty()) {
      links.add("<" + link(ctx, "after", found.get(0).id(), q.limit()) + ">; rel=\"prev\"");
    }
    if (!links.isEmpty()) {
      ctx.header("Link", String.join(", ", links));
    }
    return found;
  }

  private boolean exists(AuditQuery q) {
    return !catalog.audit().query(q).isEmpty();
  }

  private static AuditQuery copy(AuditQuery q, Long beforeId, Long afterId, int limit, int offset) {
    return new AuditQuery(q.env(), q.actor(), q.action(), q.target(), q.text(), q.since(), q.until(),
        beforeId, afterId, limit, offset);
  }

  /** This request's path and filters, paged from {@code cursor} in one direction. */
  private static String link(Context ctx, String cursor, long id, int limit) {
    StringBuilder out = new StringBuilder(ctx.path()).append('?');
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (Set.of("before", "after", "offset", "limit").contains(e.getKey())) {
        continue;
      }
      for (String v : e.getValue()) {
        out.append(encode(e.getKey())).append('=').append(encode(v)).append('&');
      }
    }
    return out.append(cursor).append('=').append(id).append("&limit=").append(limit).toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static AuditQuery query(Context ctx) {
    int limit = integer(ctx, "limit", DEFAULT_LIMIT);
    if (limit < 1) {
      throw ApiException.badRequest("'limit' must be at least 1 (at most " + MAX_LIMIT + ")");
    }
    if (limit > MAX_LIMIT) {
      ctx.header("X-Limit-Clamped",
          "limit " + limit + " is over the maximum of " + MAX_LIMIT + ": this page holds at most " + MAX_LIMIT
              + " events; follow X-Has-More and the Link header (before=<id>) for the rest");
      limit = MAX_LIMIT;
    }
    Long before = id(ctx, "before");
    Long after = id(ctx, "after");
    try {
      return new AuditQuery(ctx.queryParam("env"), ctx.queryParam("actor"), ctx.queryParam("action"),
          ctx.queryParam("target"), ctx.queryParam("q"), instant(ctx, "since"), instant(ctx, "until"),
          before, after, limit, integer(ctx, "offset", 0));
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
    Object before = stored(e.before());
    Object after = stored(e.after());
    m.put("before", before);
    m.put("after", after);
    m.put("reason", e.reason());
    m.put("hash", e.hash());
    List<Map<String, Object>> diff = stageDiff(before, after);
    if (diff != null) {
      m.put("diff", diff);
    }
    return m;
  }

  /**
   * A stored before/after as JSON (what the stores write is a JSON object, secrets masked); text
   * that is not a JSON object or list (a plugin event's processors) stays text.
   */
  static Object stored(String json) {
    if (json == null) {
      return null;
    }
    String t = json.strip();
    if (!(t.startsWith("{") || t.startsWith("["))) {
      return json;
    }
    try {
      return STORED.readValue(json, Object.class);
    } catch (IOException notJson) {
      return json;
    }
  }

  /**
   * For an event that records a pipeline (its {@code stages}, or an environment's {@code
   * pipeline.stages}), what changed stage by stage against the pipeline before (none: all added),
   * as {@link PipelineDiff#diff} gives it; null for other events. Both sides are the masked
   * audit copies, so a secret never shows, and a changed secret reads the same on both sides.
   */
  static List<Map<String, Object>> stageDiff(Object before, Object after) {
    Object afterStages = stages(after);
    if (afterStages == null) {
      return null;
    }
    Object beforeStages = stages(before);
    try {
      return PipelineDiff.diff(beforeStages == null ? List.of() : Json.stages(beforeStages), Json.stages(afterStages));
    } catch (RuntimeException notStages) {
      return null;
    }
  }

  private static Object stages(Object side) {
    if (side instanceof Map<?, ?> m) {
      if (m.get("stages") instanceof List<?> l) {
        return l;
      }
      if (m.get("pipeline") instanceof Map<?, ?> p && p.get("stages") instanceof List<?> l) {
        return l;
      }
    }
    return null;
  }

  private static Long id(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      long id = Long.parseLong(v.trim());
      if (id < 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("'" + name + "' must be an event id (a whole number, 0 or more)");
    }
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
