package io.tributary.catalog;

import java.time.Instant;

/**
 * A named token holder. The token itself is never stored, only its SHA-256. The {@code id} is the
 * principal's stable identity (never reused, and what browser sessions and change requests refer
 * to); the name is for people.
 *
 * @param approver may approve or reject change requests for protected environments
 * @param expiresAt null for a token that does not expire
 * @param lastUsedAt null if never used
 * @param revokedAt null unless revoked
 * @param createdBy the id of the principal that created this one; null for the system (first start,
 *     {@code reset-admin})
 * @param approverGrantedBy who granted the approver right (as {@code createdBy}); null if not an
 *     approver or granted by the system
 * @param approverGrantedAt when the approver right was granted; null if not an approver
 */
public record Principal(
    long id,
    String name,
    Role role,
    boolean approver,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant revokedAt,
    Long createdBy,
    Long approverGrantedBy,
    Instant approverGrantedAt) {

  /** A principal with no recorded creator or grant (the system's). */
  public Principal(
      long id, String name, Role role, boolean approver, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
      Instant revokedAt) {
    this(id, name, role, approver, createdAt, expiresAt, lastUsedAt, revokedAt, null, null,
        approver ? createdAt : null);
  }

  /** Not revoked and not expired at {@code now}. */
  public boolean isActive(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
