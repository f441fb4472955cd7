package io.tributary.plugins.usersession;

/**
 * Who an access token belongs to, as an {@link IdentityLookup} resolves it. Each component is
 * null when the lookup does not know it.
 *
 * @param userId the user, written to {@code user.id}
 * @param sessionId the session, written to {@code session.id}
 * @param tenantId the tenant, written to {@code tenant.id} when the stage has {@code writeTenant}
 */
public record Identity(String userId, String sessionId, String tenantId) {

  /** An identity that knows only the user and the session. */
  public static Identity of(String userId, String sessionId) {
    return new Identity(userId, sessionId, null);
  }
}
