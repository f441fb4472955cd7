package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.CatalogException.Kind;
import io.tributary.catalog.IssuedToken;
import io.tributary.catalog.Principal;
import io.tributary.catalog.Principals;
import io.tributary.catalog.Role;
import io.tributary.catalog.Texts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Principals and their tokens: {@code trb_} + 32 random bytes (base64url), stored as SHA-256 hex,
 * found by hash and compared in constant time.
 */
public final class PrincipalStore implements Principals {

  public static final String TOKEN_PREFIX = "trb_";
  public static final String BOOTSTRAP_NAME = "admin";
  /** last_used_at is refreshed at most this often per principal: authentication stays a read. */
  static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  static final String COLUMNS =
      "id, name, role, approver, created_at, expires_at, last_used_at, revoked_at, created_by, approver_granted_by,"
          + " approver_granted_at";

  static final RowMapper<Principal> ROW =
      (rs, ctx) ->
          new Principal(
              rs.getLong("id"),
              rs.getString("name"),
              Role.parse(rs.getString("role")),
              rs.getBoolean("approver"),
              Db.instant(rs, "created_at"),
              Db.instant(rs, "expires_at"),
              Db.instant(rs, "last_used_at"),
              Db.instant(rs, "revoked_at"),
              Db.nullableLong(rs, "created_by"),
              Db.nullableLong(rs, "approver_granted_by"),
              Db.instant(rs, "approver_granted_at"));

  private final Db db;
  private final SecureRandom random = new SecureRandom();

  public PrincipalStore(Db db) {
    this.db = db;
  }

  @Override
  public IssuedToken issue(String name, Role role, boolean approver, Instant expiresAt, Principal creator) {
    String clean = Texts.principalName(name);
    Objects.requireNonNull(role, "role");
    Instant expires = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    return db.write(tx -> {
      if (expires != null && !expires.isAfter(tx.now())) {
        throw new CatalogException(Kind.INVALID, "expiresAt " + expires + " is not in the future");
      }
      Long creatorId = creator == null ? null : creator.id();
      String actor = creator == null ? EnvironmentStore.SYSTEM : creator.name();
      return insert(tx, clean, role, approver, expires, newToken(), creatorId, actor, null, "token.created");
    });
  }

  @Override
  public IssuedToken resetAdmin(String name, String actor, String reason) {
    String clean = Texts.principalName(name);
    Objects.requireNonNull(actor, "actor");
    String why = Texts.reason(reason);
    return db.write(tx -> insert(tx, clean, Role.ADMIN, false, null, newToken(), null, actor, why, "admin.reset"));
  }

  private IssuedToken insert(
      Tx tx, String name, Role role, boolean approver, Instant expiresAt, String token, Long creatorId, String actor,
      String reason, String action) {
    Handle h = tx.handle();
    // Case-insensitive: 'Admin' next to 'admin' is one person's name twice.
    boolean taken =
        h.createQuery(
                "SELECT COUNT(*) FROM principals WHERE LOWER(name) = :key AND revoked_at IS NULL"
                    + " AND (expires_at IS NULL OR expires_at > :now)")
            .bind("key", Texts.nameKey(name))
            .bind("now", Db.timestamp(tx.now()))
            .mapTo(Long.class)
            .one()
            > 0;
    if (taken) {
      throw new CatalogException(Kind.CONFLICT, "an active token named '" + name + "' exists (names are compared"
          + " ignoring letter case); revoke it first or choose another name");
    }
    long id =
        h.createUpdate(
                "INSERT INTO principals (name, role, approver, token_hash, created_at, expires_at, created_by,"
                    + " approver_granted_by, approver_granted_at)"
                    + " VALUES (:name, :role, :approver, :hash, :at, :expires, :createdBy, :grantedBy, :grantedAt)")
            .bind("name", name)
            .bind("role", role.label())
            .bind("approver", approver)
            .bind("hash", sha256Hex(token))
            .bind("at", Db.timestamp(tx.now()))
            .bind("expires", Db.timestamp(expiresAt))
            .bind("createdBy", creatorId)
            .bind("grantedBy", approver ? creatorId : null)
            .bind("grantedAt", Db.timestamp(approver ? tx.now() : null))
            .executeAndReturnGeneratedKeys("id")
            .mapTo(Long.class)
            .one();
    Principal principal = new Principal(id, name, role, approver, tx.now(), expiresAt, null, null, creatorId,
        approver ? creatorId : null, approver ? tx.now() : null);
    tx.audit(actor, action, "token:" + id, null, Json.write(view(principal)), reason);
    return new IssuedToken(principal, token);
  }

  @Override
  public Optional<Principal> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    String hash = sha256Hex(token.trim());
    Optional<Found> found =
        db.read(
            h -> h.createQuery("SELECT token_hash, " + COLUMNS + " FROM principals WHERE token_hash = :hash")
                .bind("hash", hash)
                .map((rs, ctx) -> new Found(rs.getString("token_hash"), ROW.map(rs, ctx)))
                .findOne());
    Instant now = db.now();
    if (found.isEmpty()
        || !MessageDigest.isEqual(
            found.get().hash().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII))
        || !found.get().principal().isActive(now)) {
      return Optional.empty();
    }
    Principal p = found.get().principal();
    if (p.lastUsedAt() != null && p.lastUsedAt().plus(LAST_USED_GRANULARITY).isAfter(now)) {
      return Optional.of(p);
    }
    // Not audited and not under the chain lock: a plain, idempotent update.
    db.autocommit(
        h -> h.createUpdate("UPDATE principals SET last_used_at = :now WHERE id = :id")
            .bind("now", Db.timestamp(now))
            .bind("id", p.id())
            .execute());
    return Optional.of(
        new Principal(p.id(), p.name(), p.role(), p.approver(), p.createdAt(), p.expiresAt(), now, p.revokedAt(),
            p.createdBy(), p.approverGrantedBy(), p.approverGrantedAt()));
  }

  @Override
  public List<Principal> list() {
    return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM principals ORDER BY id").map(ROW).list());
  }

  @Override
  public Optional<Principal> get(long id) {
    return db.read(h -> find(h, id));
  }

  @Override
  public Principal revoke(long id, String actor) {
    Objects.requireNonNull(actor, "actor");
    return db.write(
        tx -> {
          Handle h = tx.handle();
          Principal p =
              find(h, id).orElseThrow(() -> new CatalogException(Kind.NOT_FOUND, "no token " + id));
          if (p.revokedAt() != null) {
            return p;
          }
          if (p.role() == Role.ADMIN && p.isActive(tx.now())) {
            // Every admin row is locked, so two concurrent revocations cannot each leave the other one.
            long otherAdmins = h.createQuery("SELECT id, revoked_at, expires_at FROM principals WHERE role = :admin"
                    + " AND id <> :id FOR UPDATE")
                .bind("admin", Role.ADMIN.label())
                .bind("id", id)
                .map((rs, ctx) -> (Boolean) (Db.instant(rs, "revoked_at") == null
                    && (Db.instant(rs, "expires_at") == null || Db.instant(rs, "expires_at").isAfter(tx.now()))))
                .list()
                .stream()
                .filter(Boolean::booleanValue)
                .count();
            if (otherAdmins == 0) {
              throw new CatalogException(Kind.CONFLICT, "'" + p.name() + "' is the last active admin: revoking it"
                  + " would leave nobody able to manage tokens and environments; create another admin first (if"
                  + " every admin token is lost, stop the node and run 'tributary reset-admin')");
            }
          }
          h.createUpdate("UPDATE principals SET revoked_at = :now WHERE id = :id")
              .bind("now", Db.timestamp(tx.now()))
              .bind("id", id)
              .execute();
          Principal revoked =
              new Principal(
                  p.id(), p.name(), p.role(), p.approver(), p.createdAt(), p.expiresAt(), p.lastUsedAt(), tx.now(),
                  p.createdBy(), p.approverGrantedBy(), p.approverGrantedAt());
          tx.audit(actor, "token.revoked", "token:" + id, Json.write(view(p)), Json.write(view(revoked)), null);
          return revoked;
        });
  }

  @Override
  public Optional<Path> bootstrap(String presetToken, Path tokenFile) {
    boolean preset = presetToken != null && !presetToken.isBlank();
    if (preset) {
      Principals.checkPresetToken(presetToken);
    } else {
      Objects.requireNonNull(tokenFile, "tokenFile");
    }
    return db.write(
        tx -> {
          long count = tx.handle().createQuery("SELECT COUNT(*) FROM principals").mapTo(Long.class).one();
          if (count > 0) {
            return Optional.<Path>empty();
          }
          String token = preset ? presetToken.trim() : newToken();
          insert(
              tx, BOOTSTRAP_NAME, Role.ADMIN, true, null, token, null, EnvironmentStore.SYSTEM,
              preset ? "first start: admin token from TRIBUTARY_ADMIN_TOKEN" : "first start: generated admin token",
              "token.created");
          if (preset) {
            return Optional.<Path>empty();
          }
          // Written inside the transaction: if the file cannot be written, no principal is created.
          try {
            OwnerOnlyFiles.replace(tokenFile, (token + "\n").getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + tokenFile, e);
          }
          return Optional.of(tokenFile);
        });
  }

  private record Found(String hash, Principal principal) {}

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String sha256Hex(String token) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private static Optional<Principal> find(Handle h, long id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM principals WHERE id = :id").bind("id", id).map(ROW).findOne();
  }

  private static Map<String, Object> view(Principal p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("name", p.name());
    m.put("role", p.role().label());
    m.put("approver", p.approver());
    m.put("createdBy", p.createdBy());
    m.put("expiresAt", p.expiresAt() == null ? null : p.expiresAt().toString());
    m.put("revokedAt", p.revokedAt() == null ? null : p.revokedAt().toString());
    return m;
  }
}
