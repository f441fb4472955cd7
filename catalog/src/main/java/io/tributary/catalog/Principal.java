package io.tributary.catalog;

import java.time.Instant;

/**
 * A named token holder. The token itself is never stored, only its SHA-256.
 *
 * @param approver may approve or reject change requests for protected environments
 * @param expiresAt null for a token that does not expire
 * @param lastUsedAt null if never used
 * @param revokedAt null unless revoked
 */
public record Principal(
    long id,
    String name,
    Role role,
    boolean approver,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  /** Not revoked and not expired at {@code now}. */
  public boolean isActive(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
