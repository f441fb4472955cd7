package io.tributary.plugins.usersession;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.List;
import java.util.Map;

/**
 * The {@code user-session} processor: derives {@code user.id} and {@code session.id} from
 * attributes, a session cookie or a bearer token, optionally pseudonymising the user.
 */
public final class UserSessionProcessorFactory implements ProcessorFactory {

  static final String EXAMPLE_TOKEN = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"
      + ".eyJzdWIiOiJ1c2VyLTQyIiwic2lkIjoicy05ZjFjIiwidGVuYW50X2lkIjoiYWNtZSJ9.";

  /** An attribute key: not empty, no whitespace or control characters (nothing up to ' '). */
  private static final String ATTRIBUTE_KEY = "[^\\x00-\\x20]+";
  /** An RFC 6265 cookie name: an HTTP token. */
  private static final String COOKIE_NAME = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";

  static final ConfigField<List<String>> USER_KEYS = ConfigField.stringList("userKeys")
      .withDefault(List.of("user.id", "enduser.id", "http.request.header.x-user-id"))
      .pattern(ATTRIBUTE_KEY, "must be an attribute key: not empty, no spaces or control characters")
      .doc("Attributes to take user.id from, in order; the first non-blank wins.");
  static final ConfigField<List<String>> SESSION_KEYS = ConfigField.stringList("sessionKeys")
      .withDefault(List.of("session.id", "http.request.header.x-session-id"))
      .pattern(ATTRIBUTE_KEY, "must be an attribute key: not empty, no spaces or control characters")
      .doc("Attributes to take session.id from, in order; the first non-blank wins.");
  static final ConfigField<String> SESSION_COOKIE = ConfigField.string("sessionCookie")
      .pattern(COOKIE_NAME, "must be a cookie name (an HTTP token: letters, digits and !#$%&'*+.^_`|~-)")
      .doc("Name of the session cookie to read session.id from (JSESSIONID, SESSION, …) "
          + "when no sessionKeys attribute has one. Unset: cookies are not read.");
  static final ConfigField<String> COOKIE_KEY = ConfigField.string("cookieKey")
      .withDefault("http.request.header.cookie")
      .pattern(ATTRIBUTE_KEY, "must be an attribute key: not empty, no spaces or control characters")
      .doc("Attribute holding the Cookie request header.");
  static final ConfigField<List<String>> AUTHORIZATION_KEYS = ConfigField.stringList("authorizationKeys")
      .withDefault(List.of("authorization", "http.request.header.authorization"))
      .pattern(ATTRIBUTE_KEY, "must be an attribute key: not empty, no spaces or control characters")
      .doc("Attributes holding the Authorization header; only 'Bearer <token>' values are used.");
  static final ConfigField<List<String>> USER_CLAIMS = ConfigField.stringList("userClaims")
      .withDefault(List.of("sub"))
      .doc("JWT claims holding the user id, in order (default JWT reader only).");
  static final ConfigField<List<String>> SESSION_CLAIMS = ConfigField.stringList("sessionClaims")
      .withDefault(List.of("sid", "session_id"))
      .doc("JWT claims holding the session id, in order (default JWT reader only).");
  static final ConfigField<List<String>> TENANT_CLAIMS = ConfigField.stringList("tenantClaims")
      .withDefault(List.of("tenant_id", "tid"))
      .doc("JWT claims holding the tenant id, in order (default JWT reader only).");
  static final ConfigField<Boolean> WRITE_TENANT = ConfigField.bool("writeTenant")
      .withDefault(false)
      .doc("Also write the token's tenant to tenant.id.");
  static final ConfigField<Boolean> OVERWRITE = ConfigField.bool("overwrite")
      .withDefault(false)
      .doc("Replace an existing user.id, session.id (and tenant.id) instead of keeping it.");
  static final ConfigField<Boolean> PSEUDONYMIZE = ConfigField.bool("pseudonymize")
      .withDefault(false)
      .doc("Write user.id as the hex HMAC-SHA256 of the user id under pseudonymKey.");
  static final ConfigField<String> PSEUDONYM_KEY = ConfigField.string("pseudonymKey")
      .secret()
      .doc("The HMAC key for pseudonymize; required when pseudonymize is on.");
  static final ConfigField<Long> LOOKUP_TIMEOUT = ConfigField.longValue("lookupTimeout")
      .withDefault(50L)
      .range(1, 10_000)
      .doc("Time budget of one identity-lookup attempt, in milliseconds (1 to 10000).");
  static final ConfigField<Long> LOOKUP_RETRIES = ConfigField.longValue("lookupRetries")
      .withDefault(1L)
      .range(0, 5)
      .doc("Retries of a failed identity lookup (0 to 5); a timed-out lookup is not retried.");
  static final ConfigField<Long> LOOKUP_CONCURRENCY = ConfigField.longValue("lookupConcurrency")
      .withDefault(4L)
      .range(1, 64)
      .doc("Threads for blocking identity lookups (1 to 64); when all are busy and "
          + "16 lookups per thread wait, further lookups fail at once.");

  private static final String DESCRIPTION = String.join("\n",
      "Gives every item a `user.id` and a `session.id` (OpenTelemetry semantic conventions) so that",
      "traces and logs can be grouped by user and by session.",
      "",
      "Where they come from, in order:",
      "",
      "1. **Attributes.** The first non-blank of `userKeys` becomes `user.id`, the first non-blank",
      "   of `sessionKeys` becomes `session.id`. String-array attributes (HTTP headers are",
      "   recorded as `http.request.header.<name>` string arrays) count by their first non-blank",
      "   element.",
      "2. **A session cookie**, if `sessionCookie` names one: its value in the `Cookie` header",
      "   attribute `cookieKey`.",
      "3. **A bearer token.** If something is still missing and an `authorizationKeys` attribute",
      "   holds `Bearer <token>`, the token goes to the node's identity-lookup service. Without",
      "   one, the default reads the claims of the JWT locally (`userClaims`, `sessionClaims`,",
      "   `tenantClaims`) **without verifying its signature or expiry**: it trusts that whatever",
      "   accepted the request verified the token. Use it only on telemetry from services that",
      "   reject bad tokens, or have the host provide a verifying lookup.",
      "",
      "A lookup that may block runs on a small pool of its own threads with a time budget: each",
      "attempt gets `lookupTimeout` ms, a failed attempt is retried `lookupRetries` times, a timed",
      "out one is not, so an item waits at most `lookupTimeout × (lookupRetries + 1)`. When the",
      "lookup fails or runs out of time the item fails at this stage: it is restored and the",
      "stage's failure policy and circuit breaker apply. The local JWT reader never fails: a",
      "malformed token simply yields nothing.",
      "",
      "An existing `user.id` or `session.id` (present and not blank) is never replaced unless",
      "`overwrite` is on. With `pseudonymize`, the derived `user.id` is written as the hex",
      "HMAC-SHA256 of the id under `pseudonymKey`: stable per user, not reversible without the",
      "key. Running two pseudonymising stages hashes twice. To pseudonymise ids that already",
      "arrive in `user.id`, turn on `overwrite` and keep `user.id` in `userKeys`.",
      "",
      "It never removes or rewrites the `Authorization` header or the cookie (that is a redaction",
      "processor's job), never writes the token anywhere, and never calls out by itself.",
      "Session cookies are credentials: copying one into `session.id` puts a live credential into",
      "your telemetry, which is why cookie parsing is off until `sessionCookie` is set.",
      "Attribute sources are read before the token, so a client-supplied header such as",
      "`x-user-id` wins over a verified token; drop it from `userKeys` if clients are not trusted.",
      "",
      "`reads` lists the default source keys; keys you add to `userKeys`, `sessionKeys`,",
      "`cookieKey` or `authorizationKeys` are read too, but a descriptor cannot declare",
      "per-stage keys.");

  private static final ProcessorDescriptor DESCRIPTOR = ProcessorDescriptor.builder("user-session", "1.0.0")
      .title("User and session identity")
      .description(DESCRIPTION)
      .stable()
      .reads("user.id", "enduser.id", "session.id", "tenant.id", "authorization",
          "http.request.header.*")
      .writes("user.id", "session.id", "tenant.id")
      .config(
          USER_KEYS,
          SESSION_KEYS,
          SESSION_COOKIE,
          COOKIE_KEY,
          AUTHORIZATION_KEYS,
          USER_CLAIMS,
          SESSION_CLAIMS,
          TENANT_CLAIMS,
          WRITE_TENANT,
          OVERWRITE,
          PSEUDONYMIZE,
          PSEUDONYM_KEY,
          LOOKUP_TIMEOUT,
          LOOKUP_RETRIES,
          LOOKUP_CONCURRENCY)
      .example(
          "User and session from attributes; the session from an HTTP header",
          Map.of(),
          withAttributes(Item.span(), Map.of(
              "enduser.id", "alice",
              "http.request.header.x-session-id", List.of("s-1234"))),
          withAttributes(Item.span(), Map.of(
              "enduser.id", "alice",
              "http.request.header.x-session-id", List.of("s-1234"),
              "user.id", "alice",
              "session.id", "s-1234")))
      .example(
          "User, session and tenant from the claims of a bearer token (read, not verified)",
          Map.of(WRITE_TENANT.name(), true),
          withAttributes(Item.span(), Map.of(
              "http.request.header.authorization", List.of("Bearer " + EXAMPLE_TOKEN))),
          withAttributes(Item.span(), Map.of(
              "http.request.header.authorization", List.of("Bearer " + EXAMPLE_TOKEN),
              "user.id", "user-42",
              "session.id", "s-9f1c",
              "tenant.id", "acme")))
      .example(
          "Pseudonymised user id; the session from a cookie",
          Map.of(PSEUDONYMIZE.name(), true, PSEUDONYM_KEY.name(), "example-key",
              SESSION_COOKIE.name(), "SESSION"),
          withAttributes(Item.log(), Map.of(
              "enduser.id", "alice@example.com",
              "http.request.header.cookie", List.of("theme=dark; SESSION=\"c0ffee\""))),
          withAttributes(Item.log(), Map.of(
              "enduser.id", "alice@example.com",
              "http.request.header.cookie", List.of("theme=dark; SESSION=\"c0ffee\""),
              "user.id", "8f7cba6b97581337a4eb3f0d7fbf963f7dfb45153dfe473108cc8c9e57ec9363",
              "session.id", "c0ffee")))
      .example(
          "An existing user.id is kept; only the missing session is derived",
          Map.of(),
          withAttributes(Item.span(), Map.of(
              "user.id", "bob",
              "enduser.id", "alice",
              "authorization", "Bearer " + EXAMPLE_TOKEN)),
          withAttributes(Item.span(), Map.of(
              "user.id", "bob",
              "enduser.id", "alice",
              "authorization", "Bearer " + EXAMPLE_TOKEN,
              "session.id", "s-9f1c")))
      .build();

  private static Item withAttributes(Item item, Map<String, Object> attributes) {
    attributes.forEach(item.attributes()::putValue);
    return item;
  }

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    // The schema checks the source keys and the cookie name (patterns) and the lookup settings
    // (ranges).
    ProcessorConfig c = context.config();
    String pseudonymKey = null;
    if (c.get(PSEUDONYMIZE)) {
      pseudonymKey = c.get(PSEUDONYM_KEY);
      if (pseudonymKey == null || pseudonymKey.isEmpty()) {
        throw PSEUDONYM_KEY.invalid("a key is required when '" + PSEUDONYMIZE.name() + "' is true");
      }
    }
    UserSessionProcessor.Settings settings = new UserSessionProcessor.Settings(
        c.get(USER_KEYS),
        c.get(SESSION_KEYS),
        c.get(COOKIE_KEY),
        c.get(SESSION_COOKIE),
        c.get(AUTHORIZATION_KEYS),
        c.get(OVERWRITE),
        c.get(WRITE_TENANT),
        pseudonymKey,
        c.get(LOOKUP_TIMEOUT),
        c.get(LOOKUP_RETRIES).intValue(),
        c.get(LOOKUP_CONCURRENCY).intValue());
    IdentityLookup lookup = context.service(IdentityLookup.class)
        .orElseGet(() -> new JwtClaimsLookup(
            c.get(USER_CLAIMS), c.get(SESSION_CLAIMS), c.get(TENANT_CLAIMS)));
    return new UserSessionProcessor(settings, lookup, context.stageName());
  }
}
