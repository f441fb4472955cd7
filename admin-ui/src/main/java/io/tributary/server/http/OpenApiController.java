package io.tributary.server.http;

import io.tributary.server.http.Api.Access;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/openapi.json}: an OpenAPI 3.1 document made from the very list the routes
 * were registered from, so it cannot drift from what the server answers.
 */
public final class OpenApiController implements Controller {

  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

  private final String version;
  private final Supplier<List<Api.Route>> routes;

  public OpenApiController(String version, Supplier<List<Api.Route>> routes) {
    this.version = version;
    this.routes = routes;
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/openapi.json", Access.PUBLIC, "This document", ctx -> ctx.json(document()));
  }

  Map<String, Object> document() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.1.0");
    doc.put("info", Map.of("title", "Tributary admin API", "version", version,
        "description", "Every endpoint but health and this document needs 'Authorization: Bearer <token>'. "
            + "Errors are {\"error\": code, \"message\": text}."));
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Api.Route r : routes.get()) {
      String path = r.path();
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(path, k -> new LinkedHashMap<>());
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("summary", r.summary());
      op.put("x-access", r.access().name().toLowerCase(Locale.ROOT));
      List<Map<String, Object>> params = new ArrayList<>();
      Matcher m = PATH_PARAM.matcher(path);
      while (m.find()) {
        params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
      }
      if (!params.isEmpty()) {
        op.put("parameters", params);
      }
      if (r.request() != null) {
        op.put("requestBody", Map.of("required", true, "description", r.request(),
            "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
      }
      if (r.access() != Access.PUBLIC) {
        op.put("security", List.of(Map.of("bearer", List.of())));
      }
      Map<String, Object> responses = new LinkedHashMap<>();
      responses.put("200", Map.of("description", "OK"));
      if (r.access() != Access.PUBLIC) {
        responses.put("401", Map.of("description", "No token, or an unknown, expired or revoked one"));
        responses.put("403", Map.of("description", "The token's role may not do this"));
      }
      op.put("responses", responses);
      item.put(r.method().toLowerCase(Locale.ROOT), op);
    }
    doc.put("paths", paths);
    doc.put("components", Map.of("securitySchemes",
        Map.of("bearer", Map.of("type", "http", "scheme", "bearer"))));
    return doc;
  }
}
