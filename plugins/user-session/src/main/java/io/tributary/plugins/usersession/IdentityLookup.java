package io.tributary.plugins.usersession;

import java.util.Optional;

/**
 * Resolves a bearer token (the part after {@code Bearer } in an {@code Authorization} header) to
 * the identity it belongs to. A host that has an identity provider offers one as a service of this
 * type; without one the processor uses {@link JwtClaimsLookup}, which reads the token's claims
 * locally.
 *
 * <p><b>Contract:</b> implementations are called concurrently and must be thread-safe. They may
 * block (a call to an identity provider, a cache): the processor runs blocking lookups on its own
 * small thread pool and stops waiting after the stage's {@code lookupTimeout}, interrupting the
 * call. Throwing means the lookup failed (the processor retries up to {@code lookupRetries} times,
 * then fails the item, so the stage's failure policy and circuit breaker apply); an empty result
 * means the token names nobody, which is not a failure. Exception messages end up in logs and in
 * the breaker's last failure: never put the token in one.
 */
public interface IdentityLookup {

  /**
   * Returns the identity {@code bearerToken} belongs to, or empty if it names nobody.
   *
   * @param bearerToken the token, without the {@code Bearer } scheme; never null or blank
   * @throws Exception if the lookup itself failed (the service is down, answered an error)
   */
  Optional<Identity> lookup(String bearerToken) throws Exception;

  /**
   * Whether {@link #lookup} may block. Lookups that never block (pure computation on the token)
   * return false and are called on the caller's thread, without the thread pool and its time
   * budget. Defaults to true.
   */
  default boolean mayBlock() {
    return true;
  }
}
