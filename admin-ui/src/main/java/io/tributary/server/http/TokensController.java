package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.IssuedToken;
import io.tributary.catalog.Principal;
import io.tributary.catalog.Role;
import io.tributary.server.http.Api.Access;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Tokens (principals): list, create (the token is shown once), revoke. Admins only. */
public final class TokensController implements Controller {

  private final Catalog catalog;

  public TokensController(Catalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/tokens", Access.ADMIN, "Every principal (never the token)", this::list);
    api.post("/api/v1/tokens", Access.ADMIN, "Create a principal; the token is in this answer only",
        "{\"name\": string (A-Z a-z 0-9 . _ @ -, at most 64, unique ignoring case), \"role\": \"viewer\"|\"operator\"|\"admin\", \"approver\": boolean, \"expiresAt\"?: ISO-8601}",
        this::create);
    api.delete("/api/v1/tokens/{id}", Access.ADMIN, "Revoke a token (never the last active admin)", this::revoke);
    api.get("/api/v1/me", Access.VIEWER, "The principal this request authenticates as", ctx ->
        ctx.json(principal(Api.principal(ctx))));
  }

  static Map<String, Object> principal(Principal p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("name", p.name());
    m.put("role", p.role().label());
    m.put("approver", p.approver());
    m.put("createdAt", p.createdAt().toString());
    m.put("createdBy", p.createdBy());
    m.put("approverGrantedBy", p.approverGrantedBy());
    m.put("approverGrantedAt", p.approverGrantedAt() == null ? null : p.approverGrantedAt().toString());
    m.put("expiresAt", p.expiresAt() == null ? null : p.expiresAt().toString());
    m.put("lastUsedAt", p.lastUsedAt() == null ? null : p.lastUsedAt().toString());
    m.put("revokedAt", p.revokedAt() == null ? null : p.revokedAt().toString());
    return m;
  }

  private void list(Context ctx) {
    ctx.json(catalog.principals().list().stream().map(TokensController::principal).toList());
  }

  private void create(Context ctx) {
    Map<String, Object> body = Json.body(ctx);
    String name = TextInput.name(Json.string(body, "name", true));
    Role role;
    try {
      role = Role.parse(Json.string(body, "role", true));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    String expires = Json.string(body, "expiresAt", false);
    Instant expiresAt = null;
    if (expires != null) {
      try {
        expiresAt = Instant.parse(expires);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("'expiresAt' must be an ISO-8601 instant like 2027-01-31T00:00:00Z");
      }
      if (!expiresAt.isAfter(Instant.now())) {
        throw new ApiException(400, "invalid_expiry", "'expiresAt' " + expires + " is in the past: a token must"
            + " expire in the future");
      }
    }
    IssuedToken issued = catalog.principals().issue(name, role, Json.bool(body, "approver", false), expiresAt,
        Api.principal(ctx));
    Map<String, Object> out = principal(issued.principal());
    out.put("token", issued.token());
    ctx.status(201).json(out);
  }

  private void revoke(Context ctx) {
    long id = Json.pathLong(ctx, "id", "Token id");
    ctx.json(principal(catalog.principals().revoke(id, Api.principal(ctx).name())));
  }
}
