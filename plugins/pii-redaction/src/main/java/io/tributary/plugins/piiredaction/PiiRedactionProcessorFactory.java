package io.tributary.plugins.piiredaction;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code pii-redaction} processor: masks, hashes or drops PII and secrets. */
public final class PiiRedactionProcessorFactory implements ProcessorFactory {

  static final String ID = "pii-redaction";

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

  static final ConfigField<List<String>> TYPES = ConfigField.stringList("types")
      .withDefault(PiiType.CONFIGURABLE_IDS)
      .allowedValues(PiiType.CONFIGURABLE_IDS.toArray(new String[0]))
      .doc("The kinds of PII to look for; all by default.");
  static final ConfigField<String> ACTION = ConfigField.string("action")
      .withDefault("mask")
      .allowedValues(Action.IDS)
      .doc("What to do with a finding: mask, hash (needs hashKey) or drop (removes the "
          + "attribute; masks in a log body).");
  static final ConfigField<Map<String, String>> ACTIONS = ConfigField.stringMap("actions")
      .doc("Per-type overrides of action, type → action, e.g. {\"key_name\": \"drop\"}. "
          + "Types: " + String.join(", ", PiiType.CONFIGURABLE_IDS) + ", and the "
          + "names of custom detectors.");
  static final ConfigField<String> HASH_KEY = ConfigField.string("hashKey")
      .secret()
      .doc("The HMAC-SHA256 key for the hash action, at least 16 characters. Required "
          + "when any enabled type hashes; keep it stable to keep hashes comparable.");
  static final ConfigField<Long> HASH_LENGTH = ConfigField.longValue("hashLength")
      .withDefault(16L)
      .range(8, 64)
      .doc("Hex digits of the HMAC kept in a hash marker, 8–64.");
  static final ConfigField<List<String>> KEY_NAMES = ConfigField.stringList("keyNames")
      .withDefault(DEFAULT_KEY_NAMES)
      .doc("Key names whose whole value is redacted (type key_name), matched "
          + "case-insensitively as the last whole segments of the key; '.', '_', '-' and "
          + "' ' inside a name match any separator.");
  static final ConfigField<List<String>> ALLOW_KEYS = ConfigField.stringList("allowKeys")
      .withDefault(DEFAULT_ALLOW_KEYS)
      .pattern("[^*]+\\*?", "must be a key, or a prefix ending in one '*'") // a key, or a non-empty prefix and a single trailing '*'
      .doc("Attribute keys never touched: exact keys, or prefixes ending in '*' "
          + "(e.g. \"k8s.*\"). Applies to resource attributes too.");
  static final ConfigField<List<String>> API_KEY_PREFIXES = ConfigField.stringList("apiKeyPrefixes")
      .withDefault(List.of())
      .pattern("[A-Za-z0-9][A-Za-z0-9_-]{2,}", "must be at least 3 letters, digits, '_' or '-', starting with a letter or digit")
      .doc("More API key prefixes (letters, digits, '_' and '-', starting with a letter "
          + "or digit, at least 3 characters); a key is the prefix plus at least 8 "
          + "base64url characters.");
  static final ConfigField<List<String>> CREDENTIAL_WORDS = ConfigField.stringList("credentialWords")
      .withDefault(DEFAULT_CREDENTIAL_WORDS)
      .doc("Words after which ('=' or ':') a value in free text is a credential "
          + "(type credential), matched case-insensitively as the last segments of the "
          + "word before the separator; '.', '_', '-' and ' ' inside a word match any "
          + "separator.");
  static final ConfigField<Map<String, String>> CUSTOM_PATTERNS = ConfigField.stringMap("customPatterns")
      .doc("Custom detectors: name → pattern (a safe subset of regular expressions, "
          + "matched against whole tokens of at most 64 characters; see the "
          + "description). Names are letters, digits and '_', and become types.");
  static final ConfigField<Map<String, String>> CUSTOM_KEYS = ConfigField.stringMap("customKeys")
      .doc("Custom detectors: name → comma-separated key names; only values under "
          + "these keys are looked at, and the whole value must match the pattern "
          + "(any value, if the detector has no pattern).");
  static final ConfigField<Map<String, String>> CUSTOM_VALIDATORS = ConfigField.stringMap("customValidators")
      .doc("Custom detectors: name → luhn or mod97, a check a pattern's match must "
          + "pass.");
  static final ConfigField<Boolean> CARD_IIN_CHECK = ConfigField.bool("cardIinCheck")
      .withDefault(true)
      .doc("Accept only card numbers starting with 2–6 (the issuer ranges in use); "
          + "spares Unix timestamps in milliseconds and nanoseconds.");
  static final ConfigField<Boolean> SCAN_BODY = ConfigField.bool("scanBody")
      .withDefault(true)
      .doc("Scan the log body (field:body).");
  static final ConfigField<Boolean> SCAN_RESOURCE = ConfigField.bool("scanResource")
      .withDefault(false)
      .doc("Also scan resource attributes (usually static service metadata).");
  static final ConfigField<Long> MAX_SCAN_LENGTH = ConfigField.longValue("maxScanLength")
      .withDefault(8192L)
      .range(16, MAX_SCAN_LENGTH_LIMIT)
      .doc("Longest value scanned in full, in characters (16 to 100000000); longer ones "
          + "are handled by oversize.");
  static final ConfigField<String> OVERSIZE = ConfigField.string("oversize")
      .withDefault("scan-prefix")
      .allowedValues("scan-prefix", "mask", "drop")
      .doc("For values longer than maxScanLength: scan-prefix scans the first "
          + "maxScanLength characters only, mask replaces the whole value with "
          + "[REDACTED:oversize], drop removes the attribute (a body is masked).");
  static final ConfigField<Boolean> COUNT_ATTRIBUTES = ConfigField.bool("countAttributes")
      .withDefault(true)
      .doc("Add pii.redacted.count and pii.redacted.<type> to items it redacted.");

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

  private static final ProcessorDescriptor DESCRIPTOR = ProcessorDescriptor.builder(ID, "1.1.1")
      .title("PII redaction")
      .description(DESCRIPTION)
      .reads("*", "resource:*", "field:body")
      .redacts("*", "resource:*", "field:body")
      .writes(PiiType.COUNT_PREFIX + "*", "pii.redaction.failed")
      .stable()
      .config(
          TYPES,
          ACTION,
          ACTIONS,
          HASH_KEY,
          HASH_LENGTH,
          KEY_NAMES,
          ALLOW_KEYS,
          API_KEY_PREFIXES,
          CREDENTIAL_WORDS,
          CUSTOM_PATTERNS,
          CUSTOM_KEYS,
          CUSTOM_VALIDATORS,
          CARD_IIN_CHECK,
          SCAN_BODY,
          SCAN_RESOURCE,
          MAX_SCAN_LENGTH,
          OVERSIZE,
          COUNT_ATTRIBUTES)
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
          Map.of(ACTION.name(), "hash", HASH_KEY.name(), "example-key-do-not-use-in-prod"),
          span().put("user.email", "Alice@Example.com").put("user.id", "u-1042").item,
          counted(span().put("user.email", "[HASH:email:50fdbce9c9e39c21]")
              .put("user.id", "u-1042").item, Map.of("email", 1L)))
      .example(
          "Drops an authorization header attribute by its key name",
          Map.of(ACTIONS.name(), Map.of("key_name", "drop")),
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
    // The schema already checked types, action and oversize (allowed values), hashLength and
    // maxScanLength (ranges), allowKeys and apiKeyPrefixes (patterns).

    Set<PiiType> enabled = EnumSet.noneOf(PiiType.class);
    for (String id : config.get(TYPES)) {
      enabled.add(PiiType.byId(id));
    }

    List<CustomDetector> customs = customDetectors(config);
    Action[] actions = new Action[PiiType.VALUES.length + customs.size()];
    java.util.Arrays.fill(actions, Action.byId(config.get(ACTION)));
    for (Map.Entry<String, String> e : config.get(ACTIONS).entrySet()) {
      PiiType type = PiiType.byId(e.getKey());
      int kind = type != null ? type.ordinal() : -1;
      for (CustomDetector d : customs) {
        if (d.name.equals(e.getKey())) {
          kind = d.kind;
        }
      }
      if (kind < 0) {
        throw ACTIONS.invalid("unknown type '" + e.getKey() + "' (known: "
            + PiiType.CONFIGURABLE_IDS + " and the custom detectors)");
      }
      Action action = Action.byId(e.getValue());
      if (action == null) {
        throw ACTIONS.invalid("unknown action '" + e.getValue() + "' for '" + e.getKey()
            + "' (use mask, hash or drop)");
      }
      actions[kind] = action;
    }
    PiiRedactionProcessor.Oversize oversize;
    switch (config.get(OVERSIZE)) {
      case "mask":
        oversize = PiiRedactionProcessor.Oversize.MASK;
        break;
      case "drop":
        oversize = PiiRedactionProcessor.Oversize.DROP;
        break;
      default: // "scan-prefix", the only other allowed value
        oversize = PiiRedactionProcessor.Oversize.SCAN_PREFIX;
        break;
    }
    actions[PiiType.OVERSIZE.ordinal()] = oversize == PiiRedactionProcessor.Oversize.DROP
        ? Action.DROP : Action.MASK;

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
      // Checked here, not by the schema: a key is needed (and its length matters) only when
      // something hashes, and a secret's schema errors never say what is wrong with it.
      String key = config.get(HASH_KEY);
      if (key == null || key.isBlank()) {
        throw HASH_KEY.invalid("the hash action (for " + String.join(", ", hashing)
            + ") needs a key; hashing without one would be reversible by anyone who can guess"
            + " the values");
      }
      if (key.length() < MIN_HASH_KEY_LENGTH) {
        throw HASH_KEY.invalid("must be at least " + MIN_HASH_KEY_LENGTH
            + " characters (the value is not shown)");
      }
      hasher = new Hasher(key, config.get(HASH_LENGTH).intValue());
    }

    List<String> names = new ArrayList<>();
    if (enabled.contains(PiiType.KEY_NAME)) {
      for (String name : config.get(KEY_NAMES)) {
        String normalized = KeyRules.normalizeName(name);
        if (normalized == null) {
          throw KEY_NAMES.invalid("'" + name + "' is not a key name (ASCII letters and digits,"
              + " optionally joined by '.', '_', '-' or ' ')");
        }
        names.add(normalized);
      }
    }

    List<Scanner.KeyPrefix> prefixes = Scanner.builtInKeyPrefixes();
    for (String prefix : config.get(API_KEY_PREFIXES)) {
      prefixes.add(new Scanner.KeyPrefix(prefix, Scanner.USER_PREFIX_MIN_BODY, false));
    }

    List<String> credentialWords = new ArrayList<>();
    for (String word : config.get(CREDENTIAL_WORDS)) {
      String normalized = KeyRules.normalizeName(word);
      if (normalized == null) {
        throw CREDENTIAL_WORDS.invalid("'" + word + "' is not a word (ASCII letters and digits,"
            + " optionally joined by '.', '_', '-' or ' ')");
      }
      credentialWords.add(normalized);
    }

    return new PiiRedactionProcessor(
        new Scanner(enabled, config.get(CARD_IIN_CHECK), prefixes, credentialWords, customs),
        new KeyRules(config.get(ALLOW_KEYS), names, customs),
        actions,
        hasher,
        config.get(SCAN_BODY),
        config.get(SCAN_RESOURCE),
        config.get(COUNT_ATTRIBUTES),
        config.get(MAX_SCAN_LENGTH).intValue(),
        oversize,
        customs);
  }

  /** The custom detectors named in customPatterns, customKeys and customValidators, in name order. */
  private static List<CustomDetector> customDetectors(ProcessorConfig config) {
    Map<String, String> patterns = config.get(CUSTOM_PATTERNS);
    Map<String, String> keys = config.get(CUSTOM_KEYS);
    Map<String, String> validators = config.get(CUSTOM_VALIDATORS);
    java.util.TreeSet<String> names = new java.util.TreeSet<>(patterns.keySet());
    names.addAll(keys.keySet());
    for (String name : validators.keySet()) {
      if (!names.contains(name)) {
        throw CUSTOM_VALIDATORS.invalid("'" + name + "' has no pattern in " + CUSTOM_PATTERNS.name()
            + " and no keys in " + CUSTOM_KEYS.name());
      }
    }
    if (names.size() > MAX_CUSTOM_DETECTORS) {
      throw CUSTOM_PATTERNS.invalid("at most " + MAX_CUSTOM_DETECTORS + " custom detectors");
    }
    List<CustomDetector> out = new ArrayList<>();
    for (String name : names) {
      if (!name.matches("[A-Za-z0-9_]{1,40}") || PiiType.byId(name) != null
          || name.equals(PiiType.OVERSIZE.id)) {
        throw (patterns.containsKey(name) ? CUSTOM_PATTERNS : CUSTOM_KEYS).invalid("'" + name
            + "' must be 1–40 letters, digits or '_', and not a built-in type");
      }
      TokenPattern pattern = null;
      if (patterns.containsKey(name)) {
        try {
          pattern = TokenPattern.compile(patterns.get(name));
        } catch (IllegalArgumentException e) {
          IllegalArgumentException invalid =
              CUSTOM_PATTERNS.invalid("detector '" + name + "': " + e.getMessage());
          invalid.initCause(e);
          throw invalid;
        }
      }
      List<String> keyNames = new ArrayList<>();
      if (keys.containsKey(name)) {
        for (String key : keys.get(name).split(",")) {
          String normalized = KeyRules.normalizeName(key);
          if (normalized == null) {
            throw CUSTOM_KEYS.invalid("detector '" + name + "': '" + key.trim()
                + "' is not a key name");
          }
          keyNames.add(normalized);
        }
      }
      CustomDetector.Validator validator = CustomDetector.Validator.NONE;
      if (validators.containsKey(name)) {
        validator = CustomDetector.Validator.byId(validators.get(name).trim());
        if (validator == null || pattern == null) {
          throw CUSTOM_VALIDATORS.invalid("detector '" + name + "': must be one of "
              + String.join(", ", CustomDetector.Validator.IDS) + ", for a detector with a pattern");
        }
      }
      out.add(new CustomDetector(name, PiiType.VALUES.length + out.size(), pattern, keyNames,
          validator));
    }
    return out;
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
