package io.tributary.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.Handler;
import io.javalin.http.UnauthorizedResponse;
import io.tributary.catalog.Principal;
import io.tributary.catalog.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Registers routes with the role each needs, so that nothing is reachable by accident (a route
 * cannot be added without naming its role) and the OpenAPI document is made from the same list.
 */
public final class Api {

  /** Who may call a route. */
  public enum Access {
    /** Anyone, no token (health, the OpenAPI document, login). */
    PUBLIC,
    VIEWER,
    OPERATOR,
    ADMIN,
    /** An operator or admin holding the approver right. */
    APPROVER
  }

  /**
   * A documented route.
   *
   * @param request a short description of the JSON body, or null
   */
  public record Route(String method, String path, Access access, String summary, String request) {}

  private static final String PRINCIPAL = "tributary.principal";

  private final RoutesConfig routes;
  private final Authenticator authenticator;
  private final List<Route> documented = new ArrayList<>();

  public Api(RoutesConfig routes, Authenticator authenticator) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
  }

  /** A GET route; HEAD on the same path answers as GET would, behind the same check. */
  public void get(String path, Access access, String summary, Handler handler) {
    documented.add(new Route("GET", path, access, summary, null));
    Handler guarded = guarded(access, handler);
    routes.get(path, guarded);
    routes.head(path, guarded);
  }

  public void post(String path, Access access, String summary, String request, Handler handler) {
    documented.add(new Route("POST", path, access, summary, request));
    routes.post(path, guarded(access, handler));
  }

  public void put(String path, Access access, String summary, String request, Handler handler) {
    documented.add(new Route("PUT", path, access, summary, request));
    routes.put(path, guarded(access, handler));
  }

  public void delete(String path, Access access, String summary, Handler handler) {
    documented.add(new Route("DELETE", path, access, summary, null));
    routes.delete(path, guarded(access, handler));
  }

  /** Every route registered so far, in registration order. */
  public List<Route> routes() {
    return List.copyOf(documented);
  }

  /** The principal of a request that passed its route's check; null on public routes. */
  public static Principal principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  private Handler guarded(Access access, Handler handler) {
    if (access == Access.PUBLIC) {
      return handler;
    }
    return ctx -> {
      Principal principal = authenticator.authenticate(ctx)
          .orElseThrow(() -> new UnauthorizedResponse(
              "This needs a token: send 'Authorization: Bearer <token>', or log in"));
      if (!allows(access, principal)) {
        throw new ForbiddenResponse("Your token (" + principal.name() + ", " + principal.role().label()
            + (principal.approver() ? ", approver" : "") + ") may not do this: it needs "
            + describe(access));
      }
      ctx.attribute(PRINCIPAL, principal);
      handler.handle(ctx);
    };
  }

  static boolean allows(Access access, Principal p) {
    switch (access) {
      case PUBLIC:
        return true;
      case VIEWER:
        return p.role().atLeast(Role.VIEWER);
      case OPERATOR:
        return p.role().atLeast(Role.OPERATOR);
      case ADMIN:
        return p.role().atLeast(Role.ADMIN);
      case APPROVER:
        return p.approver() && p.role().atLeast(Role.OPERATOR);
      default:
        return false;
    }
  }

  private static String describe(Access access) {
    return access == Access.APPROVER ? "the approver right" : "the " + access.name().toLowerCase(java.util.Locale.ROOT) + " role";
  }
}
