package io.tributary.catalog;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Token holders. Tokens are random, shown once, stored as SHA-256, compared in constant time. */
public interface Principals {

  /**
   * Creates a principal and its token, audited.
   *
   * @param expiresAt null for no expiry
   * @throws CatalogException CONFLICT if an active principal has this name, INVALID for a blank name
   */
  IssuedToken issue(String name, Role role, boolean approver, Instant expiresAt, String actor);

  /**
   * The active principal holding {@code token}, updating its last-used time; empty for an unknown,
   * expired or revoked token (the caller audits failed logins).
   */
  Optional<Principal> authenticate(String token);

  List<Principal> list();

  Optional<Principal> get(long id);

  /** Revokes a token, audited. @throws CatalogException NOT_FOUND */
  Principal revoke(long id, String actor);

  /**
   * On first start (no principal at all) creates an {@code admin} principal with the approver
   * right: with {@code presetToken} if given (from {@code TRIBUTARY_ADMIN_TOKEN}), else a generated
   * token written to {@code tokenFile} with mode 0600.
   *
   * @return the file the generated token was written to, if one was
   */
  Optional<Path> bootstrap(String presetToken, Path tokenFile);
}
