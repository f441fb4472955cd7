package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.gateway.Gateway;
import io.tributary.gateway.RecentFilter;
import io.tributary.runtime.StageOutcome;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** What the gateway did lately: the last enriched items of this node's environment. */
public final class GatewayController implements Controller {

  private static final int DEFAULT_LIMIT = 20;
  /** More than the gateway keeps by default (100): a larger limit is clamped and the answer says so. */
  static final int MAX_LIMIT = 500;
  /** The longest value a filter may have. */
  static final int MAX_FILTER_LENGTH = 200;
  private static final List<String> PARAMETERS =
      List.of("limit", "attribute", "traceId", "stage", "outcome", "deadLettered", "after");
  private static final Set<String> OUTCOMES =
      Arrays.stream(StageOutcome.values()).map(StageOutcome::label).collect(Collectors.toCollection(java.util.TreeSet::new));

  private final Catalog catalog;
  private final Gateway gateway;

  public GatewayController(Catalog catalog, Gateway gateway) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/environments/{env}/recent", Api.Access.VIEWER,
        "The last enriched items that match, newest first (as exported, or as dead-lettered with deadLetter),"
            + " each with seq and lineage. Filters (AND): attribute=key or key=value (item, resource or scope),"
            + " traceId (hex, its start), stage (processor id or id@version as lineage names it), outcome ("
            + String.join(", ", OUTCOMES) + "; of that stage or any), deadLettered (true or false), after (a seq);"
            + " each at most " + MAX_FILTER_LENGTH + " characters. limit: default " + DEFAULT_LIMIT + ", at most "
            + MAX_LIMIT + " (X-Limit-Clamped says when it was clamped). For an operator or admin, in an"
            + " environment that is not protected, each item also has 'received': the item as it arrived, before"
            + " the pipeline (kept from the first such request on, for a minute after the last); 'receivedForm'"
            + " says whether it is kept, and why not",
        this::recent);
  }

  private void recent(Context ctx) {
    String env = ctx.pathParam("env");
    io.tributary.catalog.Environment environment = catalog.environments().get(env)
        .orElseThrow(() -> new ApiException(404, "not_found", "No environment '" + env + "'"));
    Map<String, List<String>> given = ctx.queryParamMap();
    for (Map.Entry<String, List<String>> e : given.entrySet()) {
      if (!PARAMETERS.contains(e.getKey())) {
        throw bad(e.getKey(), "Unknown parameter '" + abbreviate(e.getKey()) + "': filter with "
            + String.join(", ", PARAMETERS));
      }
      if (e.getValue().size() > 1) {
        throw bad(e.getKey(), "Give '" + e.getKey() + "' once, not " + e.getValue().size() + " times");
      }
      if (e.getValue().get(0).length() > MAX_FILTER_LENGTH) {
        throw bad(e.getKey(), "'" + e.getKey() + "' is " + e.getValue().get(0).length() + " characters long; at most "
            + MAX_FILTER_LENGTH);
      }
    }
    int limit = DEFAULT_LIMIT;
    String text = ctx.queryParam("limit");
    if (text != null) {
      try {
        limit = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1) {
        throw bad("limit", "'limit' must be a positive integer, not '" + text + "'");
      }
      if (limit > MAX_LIMIT) {
        ctx.header("X-Limit-Clamped", "limit " + limit + " is over the maximum of " + MAX_LIMIT + "; " + MAX_LIMIT
            + " items at most");
        limit = MAX_LIMIT;
      }
    }
    RecentFilter filter = filter(ctx);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("env", env);
    boolean served = env.equals(gateway.env());
    out.put("servedByThisNode", served);
    out.put("limit", limit);
    if (served) {
      String withheld = receivedWithheld(ctx, environment);
      if (withheld == null) {
        gateway.armTap();
      }
      Gateway.Recent found = gateway.recent(filter, limit);
      List<com.fasterxml.jackson.databind.node.ObjectNode> items = found.items();
      if (withheld == null) {
        for (int i = 0; i < items.size(); i++) {
          io.tributary.api.Item received = found.received(i);
          if (received != null) {
            items.get(i).putPOJO("received", io.tributary.catalog.DescriptorJson.item(received));
          }
        }
      }
      Map<String, Object> form = new LinkedHashMap<>();
      form.put("kept", withheld == null);
      form.put("why", withheld == null ? "Items enriched while someone with the operator role watches (this"
          + " request and the next minute) are kept as received too" : withheld);
      out.put("receivedForm", form);
      out.put("items", items);
      out.put("searched", found.searched());
      out.put("capacity", found.capacity());
      out.put("newestSeq", found.newestSeq());
    } else {
      out.put("items", List.of());
    }
    ctx.json(out);
  }

  /**
   * Why the caller may not see items as received, or null if they may. Before the pipeline, an item
   * holds what its redaction stages strip: only those who could run this environment without them
   * see it, operators and admins, and in a protected environment (where dropping a redaction needs a
   * second person) no one.
   */
  private static String receivedWithheld(Context ctx, io.tributary.catalog.Environment environment) {
    io.tributary.catalog.Principal principal = Api.principal(ctx);
    if (!principal.role().atLeast(io.tributary.catalog.Role.OPERATOR)) {
      return "Items as received (before redaction) are shown to operators and admins only; yours is the "
          + principal.role().label() + " role: items are shown as exported";
    }
    if (environment.protectedEnv()) {
      return environment.name() + " is protected: items as received (before redaction) are not kept, since seeing them would"
          + " bypass the second person its changes need; items are shown as exported";
    }
    return null;
  }

  private static RecentFilter filter(Context ctx) {
    String attributeKey = null;
    String attributeValue = null;
    String attribute = ctx.queryParam("attribute");
    if (attribute != null) {
      int eq = attribute.indexOf('=');
      attributeKey = (eq < 0 ? attribute : attribute.substring(0, eq)).trim();
      attributeValue = eq < 0 ? null : attribute.substring(eq + 1);
      if (attributeKey.isEmpty()) {
        throw bad("attribute", "'attribute' must be key or key=value (e.g. http.method=GET), not '" + attribute + "'");
      }
    }
    String traceId = ctx.queryParam("traceId");
    if (traceId != null) {
      traceId = traceId.trim().toLowerCase(Locale.ROOT);
      if (traceId.isEmpty() || traceId.length() > 32 || !traceId.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw bad("traceId", "'traceId' must be 1 to 32 hex digits (the id or its start), not '"
            + ctx.queryParam("traceId") + "'");
      }
    }
    String stage = ctx.queryParam("stage");
    if (stage != null) {
      stage = stage.trim();
      if (stage.isEmpty() || !stage.chars().allMatch(c -> c > ' ' && c != '=' && c < 127)) {
        throw bad("stage", "'stage' must be a processor id or id@version as lineage names it (e.g. pii-redaction),"
            + " not '" + ctx.queryParam("stage") + "'");
      }
    }
    String outcome = ctx.queryParam("outcome");
    if (outcome != null) {
      outcome = outcome.trim().toLowerCase(Locale.ROOT);
      if (!OUTCOMES.contains(outcome)) {
        throw bad("outcome", "'outcome' must be one of " + String.join(", ", OUTCOMES) + ", not '"
            + ctx.queryParam("outcome") + "'");
      }
    }
    Boolean deadLettered = null;
    String dead = ctx.queryParam("deadLettered");
    if (dead != null) {
      if (!dead.equals("true") && !dead.equals("false")) {
        throw bad("deadLettered", "'deadLettered' must be true (dead-lettered items only) or false (exported"
            + " items only), not '" + dead + "'");
      }
      deadLettered = Boolean.valueOf(dead);
    }
    long after = -1;
    String afterText = ctx.queryParam("after");
    if (afterText != null) {
      try {
        after = Long.parseLong(afterText.trim());
      } catch (NumberFormatException e) {
        after = -1;
      }
      if (after < 0) {
        throw bad("after", "'after' must be an item's seq (a whole number, 0 or more), not '" + afterText + "'");
      }
    }
    return new RecentFilter(attributeKey, attributeValue, traceId, stage, outcome, deadLettered, after);
  }

  private static ApiException bad(String parameter, String message) {
    return new ApiException(400, "bad_request", message, Map.of("parameter", abbreviate(parameter)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
