package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.ChangeRequest;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.StageRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Request parsing and response shapes shared by the controllers. */
final class Json {

  private static final Set<String> STAGE_FIELDS =
      Set.of("name", "processor", "version", "enabled", "config", "onFailure");
  private static final Set<String> POLICIES = Set.of("skip", "default", "dead-letter");

  private Json() {}

  /**
   * The request body as a JSON object; 400 naming the problem otherwise: not JSON, a duplicate
   * key, nesting too deep, a number too long, or a NUL character in a string or key (PostgreSQL
   * cannot store one, and no name, reason or value needs one).
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> body(Context ctx) {
    String text = ctx.body();
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("The request needs a JSON body");
    }
    Object parsed = RequestJson.read(text, Object.class);
    if (!(parsed instanceof Map)) {
      throw ApiException.badRequest("The body must be a JSON object");
    }
    refuseNul(parsed, "");
    return (Map<String, Object>) parsed;
  }

  private static void refuseNul(Object value, String at) {
    if (value instanceof String s && s.indexOf('\0') >= 0) {
      throw ApiException.badRequest("'" + at + "' contains a NUL character");
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String path = at.isEmpty() ? key : at + "." + key;
        if (key.indexOf('\0') >= 0) {
          throw ApiException.badRequest("A key in '" + (at.isEmpty() ? "the body" : at) + "' contains a NUL character");
        }
        refuseNul(e.getValue(), path);
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        refuseNul(list.get(i), at + "[" + i + "]");
      }
    }
  }

  /** A numeric path parameter; 400 naming {@code what} if it is not a number. */
  static long pathLong(Context ctx, String name, String what) {
    try {
      return Long.parseLong(ctx.pathParam(name));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(what + " '" + ctx.pathParam(name) + "' is not a number");
    }
  }

  static String string(Map<String, Object> body, String key, boolean required) {
    Object v = body.get(key);
    if (v == null) {
      if (required) {
        throw ApiException.badRequest("'" + key + "' is required");
      }
      return null;
    }
    if (!(v instanceof String)) {
      throw ApiException.badRequest("'" + key + "' must be a string");
    }
    return (String) v;
  }

  /** A whole number that fits a long; 400 naming {@code key} otherwise (never a wrapped value). */
  static long number(Map<String, Object> body, String key) {
    Object v = body.get(key);
    if (!(v instanceof Number)) {
      throw ApiException.badRequest("'" + key + "' is required and must be an integer");
    }
    return wholeNumber(v, "'" + key + "'", Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * A JSON number as a whole number in {@code [min, max]}; 400 naming {@code what} if it has a
   * fraction or is out of range. A big or exponent-written number is never truncated or wrapped.
   */
  static long wholeNumber(Object v, String what, long min, long max) {
    if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      throw ApiException.badRequest(what + " is out of range (" + min + " to " + max + ")");
    }
    java.math.BigDecimal exact = v instanceof java.math.BigDecimal b ? b : new java.math.BigDecimal(v.toString());
    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
      throw ApiException.badRequest(what + " must be an integer");
    }
    if (exact.compareTo(java.math.BigDecimal.valueOf(min)) < 0 || exact.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
      throw ApiException.badRequest(what + " is out of range (" + min + " to " + max + ")");
    }
    return exact.longValue();
  }

  static boolean bool(Map<String, Object> body, String key, boolean otherwise) {
    Object v = body.get(key);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof Boolean)) {
      throw ApiException.badRequest("'" + key + "' must be true or false");
    }
    return (Boolean) v;
  }

  /** Parses {@code stages}: a list of stage objects, each checked field by field. */
  @SuppressWarnings("unchecked")
  static List<StageRecord> stages(Object json) {
    if (!(json instanceof List)) {
      throw ApiException.badRequest("'stages' is required and must be a list");
    }
    List<StageRecord> out = new ArrayList<>();
    int i = 0;
    for (Object o : (List<Object>) json) {
      String at = "stages[" + i++ + "]";
      if (!(o instanceof Map)) {
        throw ApiException.badRequest(at + " must be an object");
      }
      Map<String, Object> s = (Map<String, Object>) o;
      for (String key : s.keySet()) {
        if (!STAGE_FIELDS.contains(key)) {
          throw ApiException.badRequest(at + "." + key + ": unknown field (known: " + STAGE_FIELDS + ")");
        }
      }
      Object processor = s.get("processor");
      if (!(processor instanceof String) || ((String) processor).isBlank()) {
        throw ApiException.badRequest(at + ".processor is required");
      }
      Object config = s.get("config");
      if (config != null && !(config instanceof Map)) {
        throw ApiException.badRequest(at + ".config must be an object");
      }
      String onFailure = s.get("onFailure") == null ? "skip" : String.valueOf(s.get("onFailure"));
      if (!POLICIES.contains(onFailure)) {
        throw ApiException.badRequest(at + ".onFailure: '" + onFailure + "' is not skip, default or dead-letter");
      }
      Object enabled = s.get("enabled");
      if (enabled != null && !(enabled instanceof Boolean)) {
        throw ApiException.badRequest(at + ".enabled must be true or false");
      }
      Object version = s.get("version");
      if (version != null && !(version instanceof String)) {
        throw ApiException.badRequest(at + ".version must be a string");
      }
      Object name = s.get("name");
      if (name != null && !(name instanceof String)) {
        throw ApiException.badRequest(at + ".name must be a string");
      }
      out.add(new StageRecord((String) name, (String) processor, (String) version,
          enabled == null || (Boolean) enabled, (Map<String, Object>) config, onFailure));
    }
    return out;
  }

  static Map<String, Object> stage(StageRecord s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("processor", s.processor());
    m.put("version", s.version());
    m.put("enabled", s.enabled());
    m.put("config", s.config());
    m.put("onFailure", s.onFailure());
    return m;
  }

  static Map<String, Object> pipeline(PipelineRevision r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("env", r.env());
    m.put("revision", r.revision());
    m.put("stages", r.stages().stream().map(Json::stage).toList());
    m.put("author", r.author());
    m.put("reason", r.reason());
    m.put("createdAt", r.createdAt().toString());
    m.put("rolledBackFrom", r.rolledBackFrom());
    m.put("changeRequest", r.changeRequest());
    return m;
  }

  static Map<String, Object> changeRequest(ChangeRequest c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("env", c.env());
    m.put("baseRevision", c.baseRevision());
    m.put("status", c.status().name().toLowerCase(Locale.ROOT));
    m.put("stages", c.stages().stream().map(Json::stage).toList());
    m.put("requester", c.requester());
    m.put("requesterId", c.requesterId());
    m.put("reason", c.reason());
    m.put("decidedBy", c.decidedBy());
    m.put("decidedById", c.decidedById());
    m.put("changedSecrets", c.changedSecrets());
    m.put("decisionReason", c.decisionReason());
    m.put("createdAt", c.createdAt().toString());
    m.put("decidedAt", c.decidedAt() == null ? null : c.decidedAt().toString());
    m.put("appliedRevision", c.appliedRevision());
    return m;
  }
}
