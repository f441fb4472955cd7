package io.tributary.plugins.correlation;

import io.tributary.api.Attributes;
import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Creates the {@code correlation} processor: valid W3C trace context, a request id, and
 * allow-listed baggage as attributes.
 */
public final class CorrelationProcessorFactory implements ProcessorFactory {

  static final String TRACEPARENT_KEY = "traceparent";
  static final String REQUEST_ID = "request.id";
  static final String CORRELATION_ID = "correlation.id";
  /** Every promoted baggage key starts with this, so the declared writes cover it. */
  static final String BAGGAGE_NAMESPACE = "baggage.";

  private static final String[] DEFAULT_REQUEST_ID_KEYS = {
    REQUEST_ID, "x-request-id", "http.request.header.x-request-id", CORRELATION_ID
  };

  /** Neither empty nor only whitespace ({@link String#isBlank()}). */
  private static final String NOT_BLANK = "(?s).*\\P{javaWhitespace}.*";
  /** A W3C baggage name: an HTTP token (RFC 7230 {@code tchar}s), as {@code Baggage} requires. */
  private static final String HTTP_TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";

  static final ConfigField<Boolean> REPAIR = ConfigField.bool("repair")
      .withDefault(true)
      .doc(
          "Repair malformed trace context: lowercase upper-case ids, replace other"
              + " malformed or all-zero trace and span ids with generated ones, remove"
              + " a malformed parent span id, drop an invalid trace_state. False:"
              + " existing trace context is never changed.");
  static final ConfigField<List<String>> GENERATE_TRACE_CONTEXT_FOR =
      ConfigField.stringList("generateTraceContextFor")
          .withDefault(List.of("span"))
          .allowedValues("span", "log", "metric_point", "event")
          .doc(
              "Item kinds that get a generated trace id and span id when they have"
                  + " none. Empty: never generate missing ids.");
  static final ConfigField<Boolean> WRITE_TRACEPARENT = ConfigField.bool("writeTraceparent")
      .withDefault(false)
      .doc(
          "Also write the item's trace context as a W3C traceparent string to the"
              + " attribute traceparent (only when trace id and span id are valid).");
  static final ConfigField<List<String>> REQUEST_ID_KEYS = ConfigField.stringList("requestIdKeys")
      .withDefault(List.of(DEFAULT_REQUEST_ID_KEYS))
      .pattern(NOT_BLANK, "must not be blank")
      .doc(
          "Attribute keys to take the request id from, in order; the first"
              + " non-blank value wins. No key may be blank.");
  static final ConfigField<String> REQUEST_ID_TARGET = ConfigField.string("requestIdTarget")
      .withDefault(REQUEST_ID)
      .allowedValues(REQUEST_ID, CORRELATION_ID)
      .doc("Attribute the request id is written to.");
  static final ConfigField<Long> REQUEST_ID_MAX_LENGTH = ConfigField.longValue("requestIdMaxLength")
      .withDefault(128L)
      .range(1, Integer.MAX_VALUE)
      .doc(
          "Longest request id taken from the telemetry, in characters; longer values"
              + " are skipped, never truncated. At least 1.");
  static final ConfigField<Boolean> GENERATE = ConfigField.bool("generate")
      .withDefault(true)
      .doc("Generate a UUIDv7 request id when none of requestIdKeys has one (never on"
          + " metric points: a unique attribute would make each point a series of its own).");
  static final ConfigField<List<String>> BAGGAGE_ALLOW_LIST = ConfigField.stringList("baggageAllowList")
      .withDefault(List.of())
      .pattern(HTTP_TOKEN, "must be a baggage member name (an HTTP token: letters, digits and !#$%&'*+.^_`|~-)")
      .doc(
          "Baggage entry names to promote to attributes (exact, case-sensitive; each a valid"
              + " baggage name, an HTTP token: no spaces, commas, semicolons, quotes or '=')."
              + " Empty: none.");
  static final ConfigField<String> BAGGAGE_PREFIX = ConfigField.string("baggagePrefix")
      .withDefault(BAGGAGE_NAMESPACE)
      .pattern("(?s)" + Pattern.quote(BAGGAGE_NAMESPACE) + ".*", "must start with '" + BAGGAGE_NAMESPACE + "'")
      .doc(
          "Prefix of promoted baggage attributes; must start with 'baggage.' (for"
              + " example baggage. or baggage.app.).");
  static final ConfigField<Boolean> BAGGAGE_OVERWRITE = ConfigField.bool("baggageOverwrite")
      .withDefault(false)
      .doc("Replace an attribute that already exists with the baggage value.");

  // Fixed ids for the examples: examples must be deterministic.
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String PARENT_ID = "b7ad6b7169203331";
  private static final String EXAMPLE_REQUEST_ID = "01890a5d-ac96-774b-bcce-b302099a8057";

  private static final ProcessorDescriptor DESCRIPTOR =
      ProcessorDescriptor.builder("correlation", "1.0.1")
          .title("Correlation: trace context and request id")
          .description(
              """
              Makes items correlatable. Three jobs, in this order:

              1. **W3C trace context.** Trace id, span id and parent span id are checked with the \
              W3C rules (lowercase hex, 32 or 16 digits, not all zero). With `repair: true` \
              (default) an id in upper case is lowercased; any other malformed or all-zero trace \
              or span id is replaced by a freshly generated one, and a malformed parent span id is \
              removed (the span becomes a root rather than pointing at garbage). A `trace_state` \
              that breaks the W3C tracestate rules is dropped as a whole, as the spec requires. \
              Trace flags are kept as they are. Items of the kinds in `generateTraceContextFor` \
              (default: spans only) that have no trace id or span id at all get generated ones; \
              logs and metric points are left without, since a made-up trace links them to \
              nothing. With `repair: false` existing trace context is never changed. With \
              `writeTraceparent: true` the item's own context is also written as a `traceparent` \
              attribute (version 00, low 8 bits of the flags).

              2. **Request id.** If `requestIdTarget` (default `request.id`) holds no value, the \
              first non-blank value among `requestIdKeys` is copied there (trimmed; string \
              arrays such as `http.request.header.x-request-id` contribute their first non-blank \
              element; values longer than `requestIdMaxLength` are skipped, never truncated). If \
              none is found and `generate` is on, a new UUIDv7 is written — on spans, logs and \
              events, never on metric points, whose attributes name their series. An existing \
              target value is never replaced.

              3. **Baggage.** Entries of the item's W3C `baggage` whose names are in \
              `baggageAllowList` (empty by default: nothing is promoted) become attributes named \
              `baggagePrefix` + name, e.g. `baggage.tenant`. An attribute that already exists is \
              kept unless `baggageOverwrite` is on. Baggage is caller-controlled input: allow only \
              names you are happy to index.

              Generated ids are unique, not secret. Keys in `requestIdKeys` beyond the defaults \
              are read but not declared in `reads`, so stage ordering cannot account for them.""")
          .reads(
              "field:trace_id",
              "field:span_id",
              "field:parent_span_id",
              "field:trace_flags",
              "field:trace_state",
              "field:baggage",
              REQUEST_ID,
              "x-request-id",
              "http.request.header.x-request-id",
              CORRELATION_ID,
              "baggage.*")
          .writes(
              "field:trace_id",
              "field:span_id",
              "field:parent_span_id",
              "field:trace_state",
              TRACEPARENT_KEY,
              REQUEST_ID,
              CORRELATION_ID,
              "baggage.*")
          .config(
              REPAIR,
              GENERATE_TRACE_CONTEXT_FOR,
              WRITE_TRACEPARENT,
              REQUEST_ID_KEYS,
              REQUEST_ID_TARGET,
              REQUEST_ID_MAX_LENGTH,
              GENERATE,
              BAGGAGE_ALLOW_LIST,
              BAGGAGE_PREFIX,
              BAGGAGE_OVERWRITE)
          .stable()
          .example(
              "Repairs upper-case ids, removes a malformed parent, copies the x-request-id",
              Map.of(),
              with(
                  Item.span()
                      .name("GET /cart")
                      .traceId(TRACE_ID.toUpperCase(Locale.ROOT))
                      .spanId(SPAN_ID.toUpperCase(Locale.ROOT))
                      .parentSpanId("not-a-span-id")
                      .traceFlags(1),
                  a -> a.put("x-request-id", "req-7f3a")),
              with(
                  Item.span().name("GET /cart").traceId(TRACE_ID).spanId(SPAN_ID).traceFlags(1),
                  a -> a.put("x-request-id", "req-7f3a").put(REQUEST_ID, "req-7f3a")))
          .example(
              "Writes a traceparent attribute and drops an invalid tracestate",
              Map.of(WRITE_TRACEPARENT.name(), true),
              with(
                  Item.span()
                      .name("charge")
                      .traceId(TRACE_ID)
                      .spanId(SPAN_ID)
                      .parentSpanId(PARENT_ID)
                      .traceFlags(1)
                      .traceState("Vendor=1"),
                  a -> a.put(REQUEST_ID, EXAMPLE_REQUEST_ID)),
              with(
                  Item.span()
                      .name("charge")
                      .traceId(TRACE_ID)
                      .spanId(SPAN_ID)
                      .parentSpanId(PARENT_ID)
                      .traceFlags(1),
                  a -> a.put(REQUEST_ID, EXAMPLE_REQUEST_ID)
                      .put(TRACEPARENT_KEY, "00-" + TRACE_ID + "-" + SPAN_ID + "-01")))
          .example(
              "Promotes allow-listed baggage without overwriting",
              Map.of(BAGGAGE_ALLOW_LIST.name(), List.of("tenant", "plan")),
              with(
                  Item.span()
                      .name("GET /invoices")
                      .traceId(TRACE_ID)
                      .spanId(SPAN_ID)
                      .baggage("tenant=acme,plan=gold,session=s3cr3t"),
                  a -> a.put(REQUEST_ID, "r-1").put("baggage.plan", "silver")),
              with(
                  Item.span()
                      .name("GET /invoices")
                      .traceId(TRACE_ID)
                      .spanId(SPAN_ID)
                      .baggage("tenant=acme,plan=gold,session=s3cr3t"),
                  a -> a.put(REQUEST_ID, "r-1")
                      .put("baggage.plan", "silver")
                      .put("baggage.tenant", "acme")))
          .example(
              "A log without trace context keeps none; the request id comes from a header array",
              Map.of(REQUEST_ID_TARGET.name(), CORRELATION_ID),
              with(
                  Item.log().body("payment declined"),
                  a -> a.putArray("http.request.header.x-request-id", List.of(" ", "abc-123"))),
              with(
                  Item.log().body("payment declined"),
                  a -> a.putArray("http.request.header.x-request-id", List.of(" ", "abc-123"))
                      .put(CORRELATION_ID, "abc-123")))
          .build();

  private static Item with(Item item, Consumer<Attributes> attributes) {
    attributes.accept(item.attributes());
    return item;
  }

  /** Creates the factory; cheap, as {@link java.util.ServiceLoader} requires. */
  public CorrelationProcessorFactory() {}

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    ProcessorConfig config = context.config();

    boolean[] generateFor = new boolean[Item.Kind.values().length];
    for (String kind : config.get(GENERATE_TRACE_CONTEXT_FOR)) {
      generateFor[Item.Kind.valueOf(kind.toUpperCase(Locale.ROOT)).ordinal()] = true;
    }

    // The schema checks every value: keys not blank, a length of at least 1, a prefix in the
    // declared namespace, baggage names that are HTTP tokens.
    String prefix = config.get(BAGGAGE_PREFIX);
    List<String> names = config.get(BAGGAGE_ALLOW_LIST);
    String[] baggageKeys = new String[names.size()];
    for (int i = 0; i < names.size(); i++) {
      baggageKeys[i] = prefix + names.get(i);
    }

    return new CorrelationProcessor(
        config.get(REPAIR),
        generateFor,
        config.get(WRITE_TRACEPARENT),
        config.get(REQUEST_ID_KEYS).toArray(new String[0]),
        config.get(REQUEST_ID_TARGET),
        config.get(REQUEST_ID_MAX_LENGTH).intValue(),
        config.get(GENERATE),
        names.toArray(new String[0]),
        baggageKeys,
        config.get(BAGGAGE_OVERWRITE));
  }
}
