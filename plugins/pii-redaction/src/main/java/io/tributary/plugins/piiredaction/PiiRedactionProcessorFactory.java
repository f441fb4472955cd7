package io.tributary.plugins.piiredaction;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorDescriptor.ConfigField;
import io.tributary.api.ProcessorFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code pii-redaction} processor: masks, hashes or drops PII and secrets. */
public final class PiiRedactionProcessorFactory implements ProcessorFactory {

  static final String ID = "pii-redaction";

  static final String TYPES = "types";
  static final String ACTION = "action";
  static final String ACTIONS = "actions";
  static final String HASH_KEY = "hashKey";
  static final String HASH_LENGTH = "hashLength";
  static final String KEY_NAMES = "keyNames";
  static final String ALLOW_KEYS = "allowKeys";
  static final String API_KEY_PREFIXES = "apiKeyPrefixes";
  static final String CARD_IIN_CHECK = "cardIinCheck";
  static final String SCAN_BODY = "scanBody";
  static final String SCAN_RESOURCE = "scanResource";
  static final String MAX_SCAN_LENGTH = "maxScanLength";
  static final String OVERSIZE = "oversize";
  static final String COUNT_ATTRIBUTES = "countAttributes";
  static final String CREDENTIAL_WORDS = "credentialWords";
  static final String CUSTOM_PATTERNS = "customPatterns";
  static final String CUSTOM_KEYS = "customKeys";
  static final String CUSTOM_VALIDATORS = "customValidators";

  static final int MAX_CUSTOM_DETECTORS = 32;

  static final int MIN_HASH_KEY_LENGTH = 16;
  static final int MAX_SCAN_LENGTH_LIMIT = 100_000_000;

  static final List<String> DEFAULT_KEY_NAMES = List.of(
      "password", "passwd", "secret", "authorization", "cookie", "set-cookie", "api_key", "apikey",
      "token", "private_key", "access_key", "secret_key", "credit_card", "card_number", "cvv",
      "ssn");

  /**
   * Words after which, followed by {@code =} or {@code :}, a value in free text is a credential.
   * Matched as the last segments of the word before the separator, so {@code db.password}, {@code
   * client_secret}, {@code access_token} and {@code X-Amz-Signature} count, {@code token_type} and
   * {@code password_hint} do not.
   */
  static final List<String> DEFAULT_CREDENTIAL_WORDS = List.of(
      "password", "passwd", "pwd", "passphrase", "secret", "token", "api_key", "apikey",
      "access_key", "secret_key", "private_key", "sig", "signature", "authorization",
      "credential", "credentials");

  static final List<String> DEFAULT_ALLOW_KEYS = List.of(
      "trace_id", "span_id", "parent_span_id", "http.request.method", "http.route", "url.scheme");

  private static final String DESCRIPTION = String.join("\n",
      "Finds personal data and secrets in attribute values and log bodies and masks, hashes or "
          + "drops them before telemetry leaves. Put it late in the pipeline (after the stages "
          + "that add data) and give the stage the `dead-letter` failure policy: with `skip`, an "
          + "item this stage fails on would go on unredacted.",
      "",
      "**What it finds.** In string values (item attributes, string elements of array "
          + "attributes, the log body, and resource attributes with `scanResource`): `email` "
          + "addresses; payment `card` numbers (13–19 digits, bare or in groups joined by single "
          + "spaces or dashes, Luhn-checked, first digit 2–6 unless `cardIinCheck` is false); "
          + "`phone` numbers (`+` and 8–15 digits, `(555) 123-4567`, or 3–5 separated groups "
          + "such as `555-123-4567` with 10–11 digits; a bare run of digits is never a phone, it "
          + "is far more often an id or a timestamp); `ipv4` and `ipv6` addresses; `jwt`s "
          + "(base64url segments, header `eyJ…`); `bearer` tokens (the token after `Bearer `); "
          + "`api_key`s by prefix (`sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`, "
          + "`AKIA`/`ASIA`/`ABIA`/`ACCA` + 16, `AIza` + 35, `ghp_`, `gho_`, `ghu_`, `ghs_`, "
          + "`ghr_`, `github_pat_`, `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `glpat-`, `npm_` + 36, plus "
          + "`apiKeyPrefixes`); `credential`s: the value after one of `credentialWords` and `=` or "
          + "`:` (`password=…`, `pwd: …`, `\"client_secret\": \"…\"`, `?access_token=…&sig=…`, "
          + "`X-Amz-Signature=…`, `Authorization: Basic …`; the word is the last segment of the "
          + "word before the separator, in any case, so `db.password=` counts and `token_type=` "
          + "does not; the word stays, the value goes; placeholders such as `****`, "
          + "`[REDACTED]`, `<password>`, `${VAR}`, `true` or `null` are left), a random-looking "
          + "token right after a credential word and a space (`token 8f3kQ2mP9xL4vR7tY1wZ`: 16–256 "
          + "base64 or hex characters with a letter, a digit and at least 10 different "
          + "characters; prose and identifiers are left), the password in "
          + "a URL (`https://user:pass@host`), and `Basic <base64>` that decodes to "
          + "`user:password`; `private_key` PEM blocks (`-----BEGIN … PRIVATE KEY-----` to its "
          + "END line, or to the end of the value); `iban`s (country length and mod-97 check "
          + "digits, bare or in groups of four); US `ssn`s written `AAA-GG-SSSS` (area not 000, "
          + "666 or 9xx, group not 00, serial not 0000, not the published example numbers). A "
          + "value that is JSON text (how the gateway passes an OTLP map or nested array, and "
          + "how JSON log lines look) is scanned value by value: each string on its own, object "
          + "keys checked like attribute keys, the text kept valid JSON. By key (`key_name`): an "
          + "attribute or JSON key that ends with one of "
          + "`keyNames` as whole segments, case-insensitively (`token` matches `access_token`, "
          + "`x-auth-token` and `authToken`, not `tokens`, `token_count` or "
          + "`gen_ai.token.type`), has its whole value redacted, whatever its type.",
      "",
      "**Custom detectors**, without a plugin: name a detector in `customPatterns` (a pattern), "
          + "`customKeys` (comma-separated key names) or both, and optionally in "
          + "`customValidators` (`luhn` or `mod97`). A pattern is a safe subset of regular "
          + "expressions: literal characters, `\\d`, `\\w`, `\\a` (a letter), `.`, classes "
          + "`[A-Z0-9-]` and `[^…]`, each optionally followed by `?`, `*`, `+`, `{n}`, `{m,n}` or "
          + "`{m,}`; no groups, alternation or back-references, at most 62 characters once "
          + "repetitions are written out. It is tried at word starts and matches a whole token "
          + "of at most 64 characters, by simulating every state at once: no pattern can make "
          + "the scan backtrack or super-linear. Without keys the pattern is looked for "
          + "everywhere; with keys, only values under those keys (attribute keys, JSON keys, "
          + "`key=value` in text) are looked at, and the whole value must match (any value, "
          + "without a pattern). The detector's name is its type: `[REDACTED:<name>]`, "
          + "`pii.redacted.<name>`, and a key in `actions`.",
      "",
      "**What it leaves alone.** Trace and span ids, UUIDs, hex digests, ISO timestamps, Unix "
          + "timestamps, semantic versions, durations, base64 that is not a secret, and card, "
          + "IBAN and SSN look-alikes that fail their checks. Keys in `allowKeys` (exact, or a prefix ending in `*`) are never touched, nor "
          + "are its own `pii.redacted.*` counters. Bytes values are not scanned. Detection is "
          + "ASCII: an address with non-ASCII letters is not found. A four-part version such as "
          + "`1.2.3.4` is indistinguishable from an IPv4 address and is redacted.",
      "",
      "**Actions.** `action` applies to every type; `actions` overrides it per type, e.g. "
          + "`{\"key_name\": \"drop\", \"email\": \"hash\"}`. `mask` replaces the finding with "
          + "`[REDACTED:<type>]`. `hash` replaces it with `[HASH:<type>:<hex>]`, a keyed "
          + "HMAC-SHA256 truncated to `hashLength` hex digits, so equal values still correlate "
          + "(emails are lower-cased and card and phone numbers reduced to digits first); it "
          + "needs `hashKey`, a secret of at least 16 characters, and the stage does not compile "
          + "without one. `drop` removes the attribute (in a log body, where nothing can be "
          + "removed, it masks).",
      "",
      "**Cost.** One pass per value with a character-level scanner, linear in the value's "
          + "length whatever it holds, no regular expressions and no allocation when a value is "
          + "clean. Values longer than `maxScanLength` are handled by `oversize`: `scan-prefix` "
          + "(default) scans only the first `maxScanLength` characters and leaves the rest "
          + "unscanned, `mask` replaces the whole value with `[REDACTED:oversize]`, `drop` "
          + "removes the attribute (and masks a body).",
      "",
      "**Counts, never values.** With `countAttributes` it adds, when it redacted anything, "
          + "`pii.redacted.count` and `pii.redacted.<type>` (longs, added to what an earlier "
          + "stage wrote) to the item's attributes. It never logs or keeps a value.");

  private static final ProcessorDescriptor DESCRIPTOR = ProcessorDescriptor.builder(ID, "1.1.0")
      .title("PII redaction")
      .description(DESCRIPTION)
      .reads("*", "resource:*", "field:body")
      .writes("*", "resource:*", "field:body")
      .stability(ProcessorDescriptor.Stability.STABLE)
      .config(
          ConfigField.stringList(TYPES)
              .withDefault(PiiType.CONFIGURABLE_IDS)
              .allowedValues(PiiType.CONFIGURABLE_IDS.toArray(new String[0]))
              .doc("The kinds of PII to look for; all by default."),
          ConfigField.string(ACTION)
              .withDefault("mask")
              .allowedValues(Action.IDS)
              .doc("What to do with a finding: mask, hash (needs hashKey) or drop (removes the "
                  + "attribute; masks in a log body)."),
          ConfigField.stringMap(ACTIONS)
              .doc("Per-type overrides of action, type → action, e.g. {\"key_name\": \"drop\"}. "
                  + "Types: " + String.join(", ", PiiType.CONFIGURABLE_IDS) + ", and the "
                  + "names of custom detectors."),
          ConfigField.string(HASH_KEY)
              .secret()
              .doc("The HMAC-SHA256 key for the hash action, at least 16 characters. Required "
                  + "when any enabled type hashes; keep it stable to keep hashes comparable."),
          ConfigField.longValue(HASH_LENGTH)
              .withDefault(16)
              .doc("Hex digits of the HMAC kept in a hash marker, 8–64."),
          ConfigField.stringList(KEY_NAMES)
              .withDefault(DEFAULT_KEY_NAMES)
              .doc("Key names whose whole value is redacted (type key_name), matched "
                  + "case-insensitively as the last whole segments of the key; '.', '_', '-' and "
                  + "' ' inside a name match any separator."),
          ConfigField.stringList(ALLOW_KEYS)
              .withDefault(DEFAULT_ALLOW_KEYS)
              .doc("Attribute keys never touched: exact keys, or prefixes ending in '*' "
                  + "(e.g. \"k8s.*\"). Applies to resource attributes too."),
          ConfigField.stringList(API_KEY_PREFIXES)
              .withDefault(List.of())
              .doc("More API key prefixes (letters, digits, '_' and '-', starting with a letter "
                  + "or digit, at least 3 characters); a key is the prefix plus at least 8 "
                  + "base64url characters."),
          ConfigField.stringList(CREDENTIAL_WORDS)
              .withDefault(DEFAULT_CREDENTIAL_WORDS)
              .doc("Words after which ('=' or ':') a value in free text is a credential "
                  + "(type credential), matched case-insensitively as the last segments of the "
                  + "word before the separator; '.', '_', '-' and ' ' inside a word match any "
                  + "separator."),
          ConfigField.stringMap(CUSTOM_PATTERNS)
              .doc("Custom detectors: name → pattern (a safe subset of regular expressions, "
                  + "matched against whole tokens of at most 64 characters; see the "
                  + "description). Names are letters, digits and '_', and become types."),
          ConfigField.stringMap(CUSTOM_KEYS)
              .doc("Custom detectors: name → comma-separated key names; only values under "
                  + "these keys are looked at, and the whole value must match the pattern "
                  + "(any value, if the detector has no pattern)."),
          ConfigField.stringMap(CUSTOM_VALIDATORS)
              .doc("Custom detectors: name → luhn or mod97, a check a pattern's match must "
                  + "pass."),
          ConfigField.bool(CARD_IIN_CHECK)
              .withDefault(true)
              .doc("Accept only card numbers starting with 2–6 (the issuer ranges in use); "
                  + "spares Unix timestamps in milliseconds and nanoseconds."),
          ConfigField.bool(SCAN_BODY).withDefault(true).doc("Scan the log body (field:body)."),
          ConfigField.bool(SCAN_RESOURCE)
              .withDefault(false)
              .doc("Also scan resource attributes (usually static service metadata)."),
          ConfigField.longValue(MAX_SCAN_LENGTH)
              .withDefault(8192)
              .doc("Longest value scanned in full, in characters (16 to 100000000); longer ones "
                  + "are handled by oversize."),
          ConfigField.string(OVERSIZE)
              .withDefault("scan-prefix")
              .allowedValues("scan-prefix", "mask", "drop")
              .doc("For values longer than maxScanLength: scan-prefix scans the first "
                  + "maxScanLength characters only, mask replaces the whole value with "
                  + "[REDACTED:oversize], drop removes the attribute (a body is masked)."),
          ConfigField.bool(COUNT_ATTRIBUTES)
              .withDefault(true)
              .doc("Add pii.redacted.count and pii.redacted.<type> to items it redacted."))
      .failureDefault("pii.redaction.failed", true)
      .example(
          "Masks an email and an IP address in a log body",
          Map.of(),
          Item.log().body("login failed for alice@example.com from 203.0.113.7"),
          counted(Item.log().body("login failed for [REDACTED:email] from [REDACTED:ipv4]"),
              Map.of("email", 1L, "ipv4", 1L)))
      .example(
          "Masks a password and a Stripe key in a log line, keeping the words before them",
          Map.of(),
          Item.log().body("login failed for bob from app password=hunter2 token=sk_live_EXAMPLE0000000000000000"),
          counted(Item.log().body("login failed for bob from app password=[REDACTED:credential] "
              + "token=[REDACTED:api_key]"), Map.of("credential", 1L, "api_key", 1L)))
      .example(
          "Scans a structured body value by value: a sensitive key's value goes whatever its type",
          Map.of(),
          Item.log().body("{\"user\":{\"email\":\"ada@example.com\",\"pin\":\"42\"},"
              + "\"cvv\":123,\"note\":\"iban DE89 3704 0044 0532 0130 00\"}"),
          counted(Item.log().body("{\"user\":{\"email\":\"[REDACTED:email]\",\"pin\":\"42\"},"
              + "\"cvv\":\"[REDACTED:key_name]\",\"note\":\"iban [REDACTED:iban]\"}"),
              Map.of("email", 1L, "key_name", 1L, "iban", 1L)))
      .example(
          "Hashes an email with a fixed key: the same address always gives the same marker",
          Map.of(ACTION, "hash", HASH_KEY, "example-key-do-not-use-in-prod"),
          span().put("user.email", "Alice@Example.com").put("user.id", "u-1042").item,
          counted(span().put("user.email", "[HASH:email:50fdbce9c9e39c21]")
              .put("user.id", "u-1042").item, Map.of("email", 1L)))
      .example(
          "Drops an authorization header attribute by its key name",
          Map.of(ACTIONS, Map.of("key_name", "drop")),
          span().put("http.request.method", "GET").put("url.path", "/cart")
              .putArray("http.request.header.authorization", List.of("Basic YWxhZGRpbjpvcGVu"))
              .item,
          counted(span().put("http.request.method", "GET").put("url.path", "/cart").item,
              Map.of("key_name", 1L)))
      .example(
          "Leaves trace ids, UUIDs, timestamps, versions and durations alone",
          Map.of(),
          span().put("app.trace_ref", "4bf92f3577b34da6a3ce929d0e0e4736")
              .put("app.span_ref", "00f067aa0ba902b7")
              .put("messaging.message.id", "550e8400-e29b-41d4-a716-446655440000")
              .put("app.deployed_at", "2024-05-01T12:30:45.123Z")
              .put("service.version", "1.22.3")
              .put("app.timeout", "1m30s")
              .item.traceId("4bf92f3577b34da6a3ce929d0e0e4736").spanId("00f067aa0ba902b7"),
          span().put("app.trace_ref", "4bf92f3577b34da6a3ce929d0e0e4736")
              .put("app.span_ref", "00f067aa0ba902b7")
              .put("messaging.message.id", "550e8400-e29b-41d4-a716-446655440000")
              .put("app.deployed_at", "2024-05-01T12:30:45.123Z")
              .put("service.version", "1.22.3")
              .put("app.timeout", "1m30s")
              .item.traceId("4bf92f3577b34da6a3ce929d0e0e4736").spanId("00f067aa0ba902b7"))
      .example(
          "Masks a card number that passes the Luhn check, keeps one that does not",
          Map.of(),
          span().put("payment.note", "card 4111 1111 1111 1111 on file")
              .put("order.reference", "4111 1111 1111 1112").item,
          counted(span().put("payment.note", "card [REDACTED:card] on file")
              .put("order.reference", "4111 1111 1111 1112").item, Map.of("card", 1L)))
      .example(
          "Masks phone numbers and an API key in a log body",
          Map.of(),
          Item.log().body("call +44 20 7946 0958 or (555) 123-4567, key sk_live_EXAMPLE0000000000000000"),
          counted(Item.log().body("call [REDACTED:phone] or [REDACTED:phone], key [REDACTED:api_key]"),
              Map.of("phone", 2L, "api_key", 1L)))
      .build();

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    ProcessorConfig config = context.config();

    Set<PiiType> enabled = EnumSet.noneOf(PiiType.class);
    for (String id : config.getStringList(TYPES)) {
      PiiType type = PiiType.byId(id);
      if (type == null) {
        throw new IllegalArgumentException(
            "config '" + TYPES + "': unknown type '" + id + "' (known: " + PiiType.CONFIGURABLE_IDS + ")");
      }
      enabled.add(type);
    }

    List<CustomDetector> customs = customDetectors(config);
    Action[] actions = new Action[PiiType.VALUES.length + customs.size()];
    java.util.Arrays.fill(actions, parseAction(ACTION, config.getString(ACTION)));
    for (Map.Entry<String, String> e : config.getStringMap(ACTIONS).entrySet()) {
      PiiType type = PiiType.byId(e.getKey());
      int kind = type != null ? type.ordinal() : -1;
      for (CustomDetector d : customs) {
        if (d.name.equals(e.getKey())) {
          kind = d.kind;
        }
      }
      if (kind < 0) {
        throw new IllegalArgumentException("config '" + ACTIONS + "': unknown type '" + e.getKey()
            + "' (known: " + PiiType.CONFIGURABLE_IDS + " and the custom detectors)");
      }
      actions[kind] = parseAction(ACTIONS + "." + e.getKey(), e.getValue());
    }
    String oversizeValue = config.getString(OVERSIZE);
    PiiRedactionProcessor.Oversize oversize;
    switch (oversizeValue) {
      case "mask":
        oversize = PiiRedactionProcessor.Oversize.MASK;
        break;
      case "drop":
        oversize = PiiRedactionProcessor.Oversize.DROP;
        break;
      case "scan-prefix":
        oversize = PiiRedactionProcessor.Oversize.SCAN_PREFIX;
        break;
      default:
        throw new IllegalArgumentException("config '" + OVERSIZE + "': unknown value '"
            + oversizeValue + "' (use scan-prefix, mask or drop)");
    }
    actions[PiiType.OVERSIZE.ordinal()] = oversize == PiiRedactionProcessor.Oversize.DROP
        ? Action.DROP : Action.MASK;

    long hashLength = config.getLong(HASH_LENGTH, 16);
    if (hashLength < 8 || hashLength > 64) {
      throw new IllegalArgumentException(
          "config '" + HASH_LENGTH + "': must be between 8 and 64 hex digits, was " + hashLength);
    }
    Hasher hasher = null;
    List<String> hashing = new ArrayList<>();
    for (PiiType type : enabled) {
      if (actions[type.ordinal()] == Action.HASH) {
        hashing.add(type.id);
      }
    }
    for (CustomDetector d : customs) {
      if (actions[d.kind] == Action.HASH) {
        hashing.add(d.name);
      }
    }
    if (!hashing.isEmpty()) {
      String key = config.getString(HASH_KEY);
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("config '" + HASH_KEY + "': the hash action (for "
            + String.join(", ", hashing) + ") needs a key; hashing without one would be "
            + "reversible by anyone who can guess the values");
      }
      if (key.length() < MIN_HASH_KEY_LENGTH) {
        throw new IllegalArgumentException("config '" + HASH_KEY + "': must be at least "
            + MIN_HASH_KEY_LENGTH + " characters (the value is not shown)");
      }
      hasher = new Hasher(key, (int) hashLength);
    }

    long maxScanLength = config.getLong(MAX_SCAN_LENGTH, 8192);
    if (maxScanLength < 16 || maxScanLength > MAX_SCAN_LENGTH_LIMIT) {
      throw new IllegalArgumentException("config '" + MAX_SCAN_LENGTH + "': must be between 16 and "
          + MAX_SCAN_LENGTH_LIMIT + ", was " + maxScanLength);
    }

    List<String> names = new ArrayList<>();
    if (enabled.contains(PiiType.KEY_NAME)) {
      for (String name : config.getStringList(KEY_NAMES)) {
        String normalized = KeyRules.normalizeName(name);
        if (normalized == null) {
          throw new IllegalArgumentException("config '" + KEY_NAMES + "': '" + name + "' is not a "
              + "key name (ASCII letters and digits, optionally joined by '.', '_', '-' or ' ')");
        }
        names.add(normalized);
      }
    }

    List<String> allowKeys = config.getStringList(ALLOW_KEYS);
    for (String key : allowKeys) {
      int star = key.indexOf('*');
      if (key.isEmpty() || key.equals("*") || (star >= 0 && star != key.length() - 1)) {
        throw new IllegalArgumentException("config '" + ALLOW_KEYS + "': '" + key + "' must be a "
            + "key, or a non-empty prefix followed by a single trailing '*'");
      }
    }

    List<Scanner.KeyPrefix> prefixes = Scanner.builtInKeyPrefixes();
    for (String prefix : config.getStringList(API_KEY_PREFIXES)) {
      if (!isKeyPrefix(prefix)) {
        throw new IllegalArgumentException("config '" + API_KEY_PREFIXES + "': '" + prefix
            + "' must be at least 3 ASCII letters, digits, '_' or '-', starting with a letter or digit");
      }
      prefixes.add(new Scanner.KeyPrefix(prefix, Scanner.USER_PREFIX_MIN_BODY, false));
    }

    List<String> credentialWords = new ArrayList<>();
    for (String word : config.getStringList(CREDENTIAL_WORDS)) {
      String normalized = KeyRules.normalizeName(word);
      if (normalized == null) {
        throw new IllegalArgumentException("config '" + CREDENTIAL_WORDS + "': '" + word + "' is not a "
            + "word (ASCII letters and digits, optionally joined by '.', '_', '-' or ' ')");
      }
      credentialWords.add(normalized);
    }

    return new PiiRedactionProcessor(
        new Scanner(enabled, config.getBoolean(CARD_IIN_CHECK, true), prefixes, credentialWords,
            customs),
        new KeyRules(allowKeys, names, customs),
        actions,
        hasher,
        config.getBoolean(SCAN_BODY, true),
        config.getBoolean(SCAN_RESOURCE, false),
        config.getBoolean(COUNT_ATTRIBUTES, true),
        (int) maxScanLength,
        oversize,
        customs);
  }

  /** The custom detectors named in customPatterns, customKeys and customValidators, in name order. */
  private static List<CustomDetector> customDetectors(ProcessorConfig config) {
    Map<String, String> patterns = config.getStringMap(CUSTOM_PATTERNS);
    Map<String, String> keys = config.getStringMap(CUSTOM_KEYS);
    Map<String, String> validators = config.getStringMap(CUSTOM_VALIDATORS);
    java.util.TreeSet<String> names = new java.util.TreeSet<>(patterns.keySet());
    names.addAll(keys.keySet());
    for (String name : validators.keySet()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException("config '" + CUSTOM_VALIDATORS + "': '" + name
            + "' has no pattern in " + CUSTOM_PATTERNS + " and no keys in " + CUSTOM_KEYS);
      }
    }
    if (names.size() > MAX_CUSTOM_DETECTORS) {
      throw new IllegalArgumentException("config '" + CUSTOM_PATTERNS + "': at most "
          + MAX_CUSTOM_DETECTORS + " custom detectors");
    }
    List<CustomDetector> out = new ArrayList<>();
    for (String name : names) {
      if (!name.matches("[A-Za-z0-9_]{1,40}") || PiiType.byId(name) != null
          || name.equals(PiiType.OVERSIZE.id)) {
        throw new IllegalArgumentException("config '" + CUSTOM_PATTERNS + "': '" + name + "' must "
            + "be 1–40 letters, digits or '_', and not a built-in type");
      }
      TokenPattern pattern = null;
      if (patterns.containsKey(name)) {
        try {
          pattern = TokenPattern.compile(patterns.get(name));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("config '" + CUSTOM_PATTERNS + "." + name + "': "
              + e.getMessage(), e);
        }
      }
      List<String> keyNames = new ArrayList<>();
      if (keys.containsKey(name)) {
        for (String key : keys.get(name).split(",")) {
          String normalized = KeyRules.normalizeName(key);
          if (normalized == null) {
            throw new IllegalArgumentException("config '" + CUSTOM_KEYS + "." + name + "': '"
                + key.trim() + "' is not a key name");
          }
          keyNames.add(normalized);
        }
      }
      CustomDetector.Validator validator = CustomDetector.Validator.NONE;
      if (validators.containsKey(name)) {
        validator = CustomDetector.Validator.byId(validators.get(name).trim());
        if (validator == null || pattern == null) {
          throw new IllegalArgumentException("config '" + CUSTOM_VALIDATORS + "." + name
              + "': must be one of " + String.join(", ", CustomDetector.Validator.IDS)
              + ", for a detector with a pattern");
        }
      }
      out.add(new CustomDetector(name, PiiType.VALUES.length + out.size(), pattern, keyNames,
          validator));
    }
    return out;
  }

  private static Action parseAction(String where, String id) {
    Action action = Action.byId(id);
    if (action == null) {
      throw new IllegalArgumentException(
          "config '" + where + "': unknown action '" + id + "' (use mask, hash or drop)");
    }
    return action;
  }

  private static boolean isKeyPrefix(String p) {
    if (p.length() < 3 || !Scanner.isAlnum(p.charAt(0))) {
      return false;
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (!Scanner.isAlnum(c) && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- example helpers

  /** A span under construction, for the examples. */
  private static final class SpanBuilder {
    final Item item = Item.span();

    SpanBuilder put(String key, String value) {
      item.attributes().put(key, value);
      return this;
    }

    SpanBuilder putArray(String key, List<String> values) {
      item.attributes().putArray(key, values);
      return this;
    }
  }

  private static SpanBuilder span() {
    return new SpanBuilder();
  }

  /** Adds the counters the processor writes: per type and the total. */
  private static Item counted(Item item, Map<String, Long> perType) {
    long total = 0;
    for (PiiType type : PiiType.VALUES) {
      Long n = perType.get(type.id);
      if (n != null) {
        item.attributes().put(type.countKey, n.longValue());
        total += n;
      }
    }
    item.attributes().put(PiiType.TOTAL_COUNT_KEY, total);
    return item;
  }
}
