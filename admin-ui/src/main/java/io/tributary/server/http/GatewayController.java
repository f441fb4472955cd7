package io.tributary.server.http;

import io.tributary.gateway.Gateway;
import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the gateway did lately: the last enriched items of this node's environment. */
public final class GatewayController implements Controller {

  private static final int DEFAULT_LIMIT = 20;

  private final Catalog catalog;
  private final Gateway gateway;

  public GatewayController(Catalog catalog, Gateway gateway) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/environments/{env}/recent", Api.Access.VIEWER,
        "The last enriched items (?limit=, default 20) as exported, newest first, each with its lineage",
        this::recent);
  }

  private void recent(Context ctx) {
    String env = ctx.pathParam("env");
    if (catalog.environments().get(env).isEmpty()) {
      throw new ApiException(404, "not_found", "No environment '" + env + "'");
    }
    int limit = DEFAULT_LIMIT;
    String given = ctx.queryParam("limit");
    if (given != null) {
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1) {
        throw ApiException.badRequest("'limit' must be a positive integer, not '" + given + "'");
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("env", env);
    boolean served = env.equals(gateway.env());
    out.put("servedByThisNode", served);
    out.put("items", served ? gateway.recent(limit) : List.of());
    ctx.json(out);
  }
}
