package io.tributary.plugins.usersession;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The default {@link IdentityLookup}: reads the user, session and tenant from the claims of a JSON
 * Web Token, locally.
 *
 * <p><b>It does not verify the token.</b> The signature, the issuer, the audience and the expiry
 * are not checked: this class trusts that whatever accepted the request (an API gateway, the
 * service itself) has already verified the token. Use it only on telemetry from services that
 * reject unverified tokens; anyone who can send telemetry directly can otherwise claim any
 * identity. A host that must verify offers its own {@link IdentityLookup} service instead.
 *
 * <p>It never calls out and never throws: a token that is not a JWT, a payload that is not
 * base64url or not a JSON object, or claims that are missing yield an empty result. Claims are
 * read from the top level of the payload; a claim whose value is a string or a number counts,
 * anything else (an object, an array, {@code null}) is ignored. The first claim name of each list
 * that is present wins.
 *
 * <p>Thread-safe and immutable.
 */
public final class JwtClaimsLookup implements IdentityLookup {

  /** Tokens longer than this are ignored: no identity provider issues them. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private final String[] userClaims;
  private final String[] sessionClaims;
  private final String[] tenantClaims;

  /** Reads {@code sub}; {@code sid}, then {@code session_id}; {@code tenant_id}, then {@code tid}. */
  public JwtClaimsLookup() {
    this(List.of("sub"), List.of("sid", "session_id"), List.of("tenant_id", "tid"));
  }

  /** Reads the given claims, in order of preference; an empty list means "never". */
  public JwtClaimsLookup(List<String> userClaims, List<String> sessionClaims, List<String> tenantClaims) {
    this.userClaims = userClaims.toArray(new String[0]);
    this.sessionClaims = sessionClaims.toArray(new String[0]);
    this.tenantClaims = tenantClaims.toArray(new String[0]);
  }

  @Override
  public Optional<Identity> lookup(String bearerToken) {
    Map<String, String> claims = claims(Objects.requireNonNull(bearerToken, "bearerToken"));
    if (claims == null) {
      return Optional.empty();
    }
    String user = first(claims, userClaims);
    String session = first(claims, sessionClaims);
    String tenant = first(claims, tenantClaims);
    if (user == null && session == null && tenant == null) {
      return Optional.empty();
    }
    return Optional.of(new Identity(user, session, tenant));
  }

  /** Never blocks: it only decodes the token. */
  @Override
  public boolean mayBlock() {
    return false;
  }

  /** The top-level string and number claims of a JWT's payload, or null if it is not a JWT. */
  static Map<String, String> claims(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      return null;
    }
    // header.payload.signature; an unsecured JWT has an empty signature.
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
      return null;
    }
    byte[] payload;
    try {
      payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
    } catch (IllegalArgumentException notBase64Url) {
      return null;
    }
    return JsonFields.topLevelScalars(new String(payload, StandardCharsets.UTF_8));
  }

  private static String first(Map<String, String> claims, String[] names) {
    for (String name : names) {
      String value = claims.get(name);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
