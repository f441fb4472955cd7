package io.tributary.plugins.piiredaction;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorDescriptor.ConfigField;
import io.tributary.api.ProcessorDescriptor.Stability;
import io.tributary.api.ProcessorFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The {@code pii-redaction} processor: finds PII and secrets and masks, hashes or drops them. */
public final class PiiRedactionProcessorFactory implements ProcessorFactory {

  static final List<String> DEFAULT_SENSITIVE_KEYS = List.of("password", "passwd", "pwd", "secret",
      "authorization", "auth", "cookie", "set-cookie", "api_key", "apikey", "api-key", "token", "access_token",
      "refresh_token", "id_token", "private_key", "client_secret", "credit_card", "card_number", "cvv", "ssn");

  static final List<String> DEFAULT_ALLOW_KEYS = List.of("trace_id", "span_id", "traceparent", "tracestate",
      "request.id", "correlation.id", "http.request.method", "http.response.status_code", "url.scheme",
      "service.name", "service.version", "deployment.environment.name", "telemetry.*", "otel.*");

  private static final List<String> ALL_TYPES =
      List.of("email", "card", "phone", "ip", "jwt", "bearer", "apikey", "secret-key");

  private static Item log(String body) {
    return Item.log().body(body);
  }

  private static final ProcessorDescriptor DESCRIPTOR = ProcessorDescriptor.builder("pii-redaction", "1.0.0")
      .title("PII redaction")
      .description("Finds personal data and secrets in attribute values and log bodies and masks, hashes or "
          + "drops them before telemetry leaves: email addresses, payment card numbers (Luhn-checked, with a "
          + "card network's prefix), phone numbers (E.164 with '+', or 555-123-4567 / (555) 123-4567), IPv4 "
          + "and IPv6 addresses, JWTs, bearer tokens and API keys with well-known prefixes (sk_live_, AKIA, "
          + "ghp_, xoxb-, … plus your own); and whole values of attributes whose key names a secret "
          + "(password, authorization, cookie, token, …, matched as a word of the key).\n\n"
          + "Actions per type: mask (\"[REDACTED:email]\"), hash (a keyed HMAC-SHA256, so equal values still "
          + "correlate: \"[email:3f2a…]\"; needs hashKey) or drop (remove the attribute; in a log body, mask). "
          + "It counts what it redacted in pii.redacted.count and pii.redacted.<type>, never the values.\n\n"
          + "Speed: one linear pass over each value with a character-level scanner; a candidate is confirmed "
          + "by a hand-written check, never a backtracking regex, and a value with no PII costs no allocation. "
          + "Ids are not PII: a 32-hex trace id, UUIDs, versions and timestamps are left alone. Values longer "
          + "than maxScanLength are redacted whole (\"[REDACTED:oversize]\") rather than passed unscanned.\n\n"
          + "Never: logging or storing a value it redacts.")
      .reads("*", "resource:*", "field:body")
      .writes("*", "resource:*", "field:body")
      .config(
          ConfigField.stringList("types").withDefault(ALL_TYPES).allowedValues(ALL_TYPES.toArray(new String[0]))
              .doc("Which kinds of PII to look for."),
          ConfigField.stringMap("actions")
              .doc("Action per type: mask, hash or drop, e.g. {\"email\": \"hash\", \"secret-key\": \"drop\"}. "
                  + "Types not listed are masked."),
          ConfigField.string("hashKey").secret()
              .doc("Key of the HMAC used by the hash action (required if any type is hashed)."),
          ConfigField.longValue("hashLength").withDefault(16).doc("Hex characters of the HMAC kept (8–64)."),
          ConfigField.stringList("allowKeys").withDefault(DEFAULT_ALLOW_KEYS)
              .doc("Attribute keys never touched; a trailing * matches a prefix."),
          ConfigField.stringList("sensitiveKeys").withDefault(DEFAULT_SENSITIVE_KEYS)
              .doc("Words that make an attribute's whole value a secret when they appear as a word of its key "
                  + "(split at . _ - /), case-insensitively."),
          ConfigField.stringList("apiKeyPrefixes").withDefault(List.of())
              .doc("Extra API key prefixes to recognise (at least 12 token characters must follow)."),
          ConfigField.bool("scanBody").withDefault(true).doc("Scan log bodies."),
          ConfigField.bool("scanResource").withDefault(false).doc("Scan resource attributes too."),
          ConfigField.longValue("maxScanLength").withDefault(65536)
              .doc("Longest value scanned; longer values are redacted whole."),
          ConfigField.bool("countAttributes").withDefault(true)
              .doc("Write pii.redacted.count and pii.redacted.<type> on items with findings."))
      .stability(Stability.STABLE)
      .example("an email in a log body is masked", Map.of(),
          log("password reset for bob@example.com"),
          withCounts(log("password reset for [REDACTED:email]"), "email"))
      .example("an authorization header is dropped, a trace id left alone",
          Map.of("actions", Map.of("secret-key", "drop")),
          withAttributes(Item.span(), "http.request.header.authorization", "Basic dXNlcjpwYXNz",
              "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "order.ref", "4bf92f3577b34da6a3ce929d0e0e4736"),
          withCounts(withAttributes(Item.span(), "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736",
              "order.ref", "4bf92f3577b34da6a3ce929d0e0e4736"), "secret-key"))
      .example("a card number is hashed with a fixed key, so equal cards correlate",
          Map.of("actions", Map.of("card", "hash"), "hashKey", "example-key", "hashLength", 12),
          withAttributes(Item.span(), "payment.note", "paid with 4111 1111 1111 1111"),
          withCounts(withAttributes(Item.span(), "payment.note", "paid with [card:"
              + exampleHash("example-key", "4111 1111 1111 1111", 12) + "]"), "card"))
      .example("a card-like number that fails the Luhn check is not a card", Map.of(),
          withAttributes(Item.span(), "order.id", "4111 1111 1111 1112"),
          withAttributes(Item.span(), "order.id", "4111 1111 1111 1112"))
      .build();

  private static Item withAttributes(Item item, String... keyValues) {
    for (int i = 0; i < keyValues.length; i += 2) {
      item.attributes().put(keyValues[i], keyValues[i + 1]);
    }
    return item;
  }

  private static Item withCounts(Item item, String type) {
    item.attributes().put("pii.redacted." + type, 1L).put(PiiRedactionProcessor.COUNT_KEY, 1L);
    return item;
  }

  private static String exampleHash(String key, String value, int length) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] d = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(String.format(Locale.ROOT, "%02x", b & 0xff));
      }
      return sb.substring(0, length);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    ProcessorConfig c = context.config();
    boolean[] enabled = new boolean[PiiScanner.TYPES];
    for (String type : c.getStringList("types")) {
      enabled[typeIndex(type, "types")] = true;
    }
    int[] actions = new int[PiiScanner.TYPES];
    boolean hashing = false;
    for (Map.Entry<String, String> e : c.getStringMap("actions").entrySet()) {
      int type = typeIndex(e.getKey(), "actions");
      switch (e.getValue().trim().toLowerCase(Locale.ROOT)) {
        case "mask":
          actions[type] = PiiRedactionProcessor.MASK;
          break;
        case "hash":
          actions[type] = PiiRedactionProcessor.HASH;
          hashing = true;
          break;
        case "drop":
          actions[type] = PiiRedactionProcessor.DROP;
          break;
        default:
          throw new IllegalArgumentException("config 'actions': '" + e.getValue() + "' for " + e.getKey()
              + " is not mask, hash or drop");
      }
    }
    String hashKey = c.getString("hashKey");
    if (hashing && (hashKey == null || hashKey.isEmpty())) {
      throw new IllegalArgumentException("config 'hashKey': required because config 'actions' hashes");
    }
    long hashLength = c.getLong("hashLength", 16);
    if (hashLength < 8 || hashLength > 64) {
      throw new IllegalArgumentException("config 'hashLength': must be between 8 and 64, is " + hashLength);
    }
    long maxScanLength = c.getLong("maxScanLength", 65536);
    if (maxScanLength < 1 || maxScanLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config 'maxScanLength': must be positive, is " + maxScanLength);
    }
    Set<String> allowExact = new HashSet<>();
    List<String> allowPrefixes = new ArrayList<>();
    for (String key : c.getStringList("allowKeys")) {
      if (key.endsWith("*")) {
        allowPrefixes.add(key.substring(0, key.length() - 1));
      } else {
        allowExact.add(key);
      }
    }
    List<String> words = new ArrayList<>();
    for (String w : c.getStringList("sensitiveKeys")) {
      if (w.isBlank()) {
        throw new IllegalArgumentException("config 'sensitiveKeys': blank entries are not allowed");
      }
      words.add(w.trim().toLowerCase(Locale.ROOT));
    }
    for (String p : c.getStringList("apiKeyPrefixes")) {
      if (p.length() < 3) {
        throw new IllegalArgumentException("config 'apiKeyPrefixes': '" + p + "' is too short (at least 3 characters)");
      }
    }
    PiiScanner scanner = new PiiScanner(enabled, c.getStringList("apiKeyPrefixes"));
    return new PiiRedactionProcessor(scanner, actions, enabled, allowExact, allowPrefixes.toArray(new String[0]),
        words.toArray(new String[0]), c.getBoolean("scanBody", true), c.getBoolean("scanResource", false),
        (int) maxScanLength, c.getBoolean("countAttributes", true), (int) hashLength,
        hashKey == null ? null : hashKey.getBytes(StandardCharsets.UTF_8));
  }

  private static int typeIndex(String type, String key) {
    for (int t = 0; t < ALL_TYPES.size(); t++) {
      if (ALL_TYPES.get(t).equals(type)) {
        return t;
      }
    }
    throw new IllegalArgumentException("config '" + key + "': unknown type '" + type + "' (known: " + ALL_TYPES + ")");
  }
}
