package io.tributary.api;

import java.util.Objects;

/**
 * One unit of telemetry flowing through a pipeline: a span, a log record, a metric data point or
 * an event.
 *
 * <p>The model follows OpenTelemetry's: {@linkplain #attributes() attributes} of the item, the
 * {@linkplain #resource() resource} that produced it, the {@linkplain #scope() instrumentation
 * scope}, W3C trace context (trace id, span id, parent span id, flags, tracestate, baggage), a
 * name, a log body and severity, timestamps in nanoseconds since the Unix epoch, and the semantic
 * conventions schema URL. Ids are lowercase hex strings as W3C and OTLP/JSON write them; the
 * helpers in {@code io.tributary.api.trace} validate, repair and generate them.
 *
 * <p><b>Mutability:</b> items are mutable for speed. A processor may change only what its
 * {@link ProcessorDescriptor} declares it writes; the host can check this and uses the
 * declarations to order stages. Every write made while a stage runs is recorded in an undo log so
 * that a stage which throws leaves the item exactly as it found it.
 *
 * <p><b>Thread-safety:</b> none. The engine gives an item to one processor at a time, on one
 * thread; a processor must not keep a reference to an item after {@link Processor#process}
 * returns.
 *
 * <p><b>Null:</b> absent string fields are null; absent numbers are 0.
 */
public final class Item {

  /** What an item is. */
  public enum Kind {
    SPAN,
    LOG,
    METRIC_POINT,
    EVENT
  }


  static final int F_NAME = 0;
  static final int F_TRACE_ID = 1;
  static final int F_SPAN_ID = 2;
  static final int F_PARENT_SPAN_ID = 3;
  static final int F_TRACE_FLAGS = 4;
  static final int F_TRACE_STATE = 5;
  static final int F_BAGGAGE = 6;
  static final int F_BODY = 7;
  static final int F_SEVERITY_NUMBER = 8;
  static final int F_SEVERITY_TEXT = 9;
  static final int F_TIME = 10;
  static final int F_END_TIME = 11;
  static final int F_OBSERVED_TIME = 12;
  static final int F_SCHEMA_URL = 13;
  static final int F_SCOPE_NAME = 14;
  static final int F_SCOPE_VERSION = 15;
  static final int F_DEAD_LETTER = 16;

  /** Field names as written in descriptors ({@code field:<name>}), indexed by field id. */
  static final String[] FIELD_NAMES = {
    "name", "trace_id", "span_id", "parent_span_id", "trace_flags", "trace_state", "baggage",
    "body", "severity_number", "severity_text", "time", "end_time", "observed_time", "schema_url",
    "scope_name", "scope_version", "dead_letter"
  };

  private final Kind kind;
  private final Attributes attributes = new Attributes(Attributes.SCOPE_ATTRIBUTES, this);
  private final Attributes resource = new Attributes(Attributes.SCOPE_RESOURCE, this);
  private final Attributes scope = new Attributes(Attributes.SCOPE_INSTRUMENTATION, this);

  private String name;
  private String traceId;
  private String spanId;
  private String parentSpanId;
  private int traceFlags;
  private String traceState;
  private String baggage;
  private String body;
  private int severityNumber;
  private String severityText;
  private long timeUnixNano;
  private long endTimeUnixNano;
  private long observedTimeUnixNano;
  private String schemaUrl;
  private String scopeName;
  private String scopeVersion;
  private String deadLetterReason;

  /** The change log of the stage running now, read by this item's attribute maps too; else null. */
  ChangeLog log;

  static {
    io.tributary.api.host.Hooks.install(new ModelHooks());
  }

  /** Creates an empty item of the given kind. */
  public Item(Kind kind) {
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Creates an empty span. */
  public static Item span() {
    return new Item(Kind.SPAN);
  }

  /** Creates an empty log record. */
  public static Item log() {
    return new Item(Kind.LOG);
  }

  /** Creates an empty metric data point. */
  public static Item metricPoint() {
    return new Item(Kind.METRIC_POINT);
  }

  /** Creates an empty event. */
  public static Item event() {
    return new Item(Kind.EVENT);
  }

  /**
   * Returns a deep copy: same kind, fields, attributes and dead-letter reason (so the copy equals
   * this item), not tracked by any {@link ChangeTracker}.
   */
  public Item copy() {
    Item c = new Item(kind);
    c.attributes.copyFrom(attributes);
    c.resource.copyFrom(resource);
    c.scope.copyFrom(scope);
    c.name = name;
    c.traceId = traceId;
    c.spanId = spanId;
    c.parentSpanId = parentSpanId;
    c.traceFlags = traceFlags;
    c.traceState = traceState;
    c.baggage = baggage;
    c.body = body;
    c.severityNumber = severityNumber;
    c.severityText = severityText;
    c.timeUnixNano = timeUnixNano;
    c.endTimeUnixNano = endTimeUnixNano;
    c.observedTimeUnixNano = observedTimeUnixNano;
    c.schemaUrl = schemaUrl;
    c.scopeName = scopeName;
    c.scopeVersion = scopeVersion;
    c.deadLetterReason = deadLetterReason;
    return c;
  }

  // ---------------------------------------------------------------- parts

  /** Returns what this item is. */
  public Kind kind() {
    return kind;
  }

  /** The item's own attributes (span, log record or data point attributes). */
  public Attributes attributes() {
    return attributes;
  }

  /** The attributes of the resource that produced the item ({@code service.name}, host, …). */
  public Attributes resource() {
    return resource;
  }

  /** The attributes of the instrumentation scope. */
  public Attributes scope() {
    return scope;
  }

  // ---------------------------------------------------------------- fields

  /** The span name, metric name or event name; null for most log records. */
  public String name() {
    return name;
  }

  public Item name(String value) {
    if (!Objects.equals(name, value)) {
      field(F_NAME, 0L, name);
      name = value;
    }
    return this;
  }

  /**
   * The trace id as 32 lowercase hex digits, or null. Not validated: see {@code
   * TraceParent.isValidTraceId}.
   */
  public String traceId() {
    return traceId;
  }

  public Item traceId(String value) {
    if (!Objects.equals(traceId, value)) {
      field(F_TRACE_ID, 0L, traceId);
      traceId = value;
    }
    return this;
  }

  /** The span id as 16 lowercase hex digits, or null. */
  public String spanId() {
    return spanId;
  }

  public Item spanId(String value) {
    if (!Objects.equals(spanId, value)) {
      field(F_SPAN_ID, 0L, spanId);
      spanId = value;
    }
    return this;
  }

  /** The parent span id as 16 lowercase hex digits, or null for a root span. */
  public String parentSpanId() {
    return parentSpanId;
  }

  public Item parentSpanId(String value) {
    if (!Objects.equals(parentSpanId, value)) {
      field(F_PARENT_SPAN_ID, 0L, parentSpanId);
      parentSpanId = value;
    }
    return this;
  }

  /** The W3C trace flags (bit 0: sampled). */
  public int traceFlags() {
    return traceFlags;
  }

  public Item traceFlags(int value) {
    if (traceFlags != value) {
      field(F_TRACE_FLAGS, traceFlags, null);
      traceFlags = value;
    }
    return this;
  }

  /** The W3C {@code tracestate} header value, or null. */
  public String traceState() {
    return traceState;
  }

  public Item traceState(String value) {
    if (!Objects.equals(traceState, value)) {
      field(F_TRACE_STATE, 0L, traceState);
      traceState = value;
    }
    return this;
  }

  /** The W3C {@code baggage} header value, or null. */
  public String baggage() {
    return baggage;
  }

  public Item baggage(String value) {
    if (!Objects.equals(baggage, value)) {
      field(F_BAGGAGE, 0L, baggage);
      baggage = value;
    }
    return this;
  }

  /** The log body as text, or null. Structured bodies arrive as their JSON text. */
  public String body() {
    return body;
  }

  public Item body(String value) {
    if (!Objects.equals(body, value)) {
      field(F_BODY, 0L, body);
      body = value;
    }
    return this;
  }

  /** The OpenTelemetry severity number of a log record (1–24), 0 if unspecified. */
  public int severityNumber() {
    return severityNumber;
  }

  public Item severityNumber(int value) {
    if (severityNumber != value) {
      field(F_SEVERITY_NUMBER, severityNumber, null);
      severityNumber = value;
    }
    return this;
  }

  /** The severity text of a log record ({@code ERROR}, {@code warn}, …), or null. */
  public String severityText() {
    return severityText;
  }

  public Item severityText(String value) {
    if (!Objects.equals(severityText, value)) {
      field(F_SEVERITY_TEXT, 0L, severityText);
      severityText = value;
    }
    return this;
  }

  /** When the item happened (a span's start), in nanoseconds since the Unix epoch; 0 if unknown. */
  public long timeUnixNano() {
    return timeUnixNano;
  }

  public Item timeUnixNano(long value) {
    if (timeUnixNano != value) {
      field(F_TIME, timeUnixNano, null);
      timeUnixNano = value;
    }
    return this;
  }

  /** A span's end, in nanoseconds since the Unix epoch; 0 for other kinds. */
  public long endTimeUnixNano() {
    return endTimeUnixNano;
  }

  public Item endTimeUnixNano(long value) {
    if (endTimeUnixNano != value) {
      field(F_END_TIME, endTimeUnixNano, null);
      endTimeUnixNano = value;
    }
    return this;
  }

  /** When the item was observed by a collector, in nanoseconds since the Unix epoch; 0 if unset. */
  public long observedTimeUnixNano() {
    return observedTimeUnixNano;
  }

  public Item observedTimeUnixNano(long value) {
    if (observedTimeUnixNano != value) {
      field(F_OBSERVED_TIME, observedTimeUnixNano, null);
      observedTimeUnixNano = value;
    }
    return this;
  }

  /** The semantic conventions schema URL the attributes follow, or null. */
  public String schemaUrl() {
    return schemaUrl;
  }

  public Item schemaUrl(String value) {
    if (!Objects.equals(schemaUrl, value)) {
      field(F_SCHEMA_URL, 0L, schemaUrl);
      schemaUrl = value;
    }
    return this;
  }

  /** The instrumentation scope name, or null. */
  public String scopeName() {
    return scopeName;
  }

  public Item scopeName(String value) {
    if (!Objects.equals(scopeName, value)) {
      field(F_SCOPE_NAME, 0L, scopeName);
      scopeName = value;
    }
    return this;
  }

  /** The instrumentation scope version, or null. */
  public String scopeVersion() {
    return scopeVersion;
  }

  public Item scopeVersion(String value) {
    if (!Objects.equals(scopeVersion, value)) {
      field(F_SCOPE_VERSION, 0L, scopeVersion);
      scopeVersion = value;
    }
    return this;
  }

  // ---------------------------------------------------------------- routing

  /**
   * Routes this item to the dead-letter sink instead of the destination: later stages do not see
   * it. For items a processor decides must not go on (a policy violation, not a failure of the
   * processor itself, which should throw instead).
   */
  public void deadLetter(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (deadLetterReason == null) {
      field(F_DEAD_LETTER, 0L, null);
      deadLetterReason = reason;
    }
  }

  /** Returns why this item was routed to the dead-letter sink, or null if it was not. */
  public String deadLetterReason() {
    return deadLetterReason;
  }

  // ---------------------------------------------------------------- change tracking

  private void field(int id, long oldPrim, Object oldRef) {
    if (log != null) {
      log.recordField(this, id, FIELD_NAMES[id], oldPrim, oldRef);
    }
  }

  /** Attaches {@code changeLog}; unlike {@link #attach}, attaching the log already attached is allowed. */
  void attachShared(ChangeLog changeLog) {
    if (log != changeLog) {
      attach(changeLog);
    }
  }

  void attach(ChangeLog changeLog) {
    if (log != null && changeLog != null) {
      throw new IllegalStateException("item is already tracked by another ChangeTracker");
    }
    log = changeLog;
  }

  void undoField(int id, long prim, Object ref) {
    switch (id) {
      case F_NAME: name = (String) ref; break;
      case F_TRACE_ID: traceId = (String) ref; break;
      case F_SPAN_ID: spanId = (String) ref; break;
      case F_PARENT_SPAN_ID: parentSpanId = (String) ref; break;
      case F_TRACE_FLAGS: traceFlags = (int) prim; break;
      case F_TRACE_STATE: traceState = (String) ref; break;
      case F_BAGGAGE: baggage = (String) ref; break;
      case F_BODY: body = (String) ref; break;
      case F_SEVERITY_NUMBER: severityNumber = (int) prim; break;
      case F_SEVERITY_TEXT: severityText = (String) ref; break;
      case F_TIME: timeUnixNano = prim; break;
      case F_END_TIME: endTimeUnixNano = prim; break;
      case F_OBSERVED_TIME: observedTimeUnixNano = prim; break;
      case F_SCHEMA_URL: schemaUrl = (String) ref; break;
      case F_SCOPE_NAME: scopeName = (String) ref; break;
      case F_SCOPE_VERSION: scopeVersion = (String) ref; break;
      case F_DEAD_LETTER: deadLetterReason = (String) ref; break;
      default: throw new AssertionError(id);
    }
  }

  // ---------------------------------------------------------------- equality

  /**
   * Items are equal when kind, every field and every attribute map are equal (attribute order
   * aside). Items are mutable: do not keep them in hash-based collections while changing them.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Item)) {
      return false;
    }
    Item x = (Item) o;
    return kind == x.kind
        && traceFlags == x.traceFlags
        && severityNumber == x.severityNumber
        && timeUnixNano == x.timeUnixNano
        && endTimeUnixNano == x.endTimeUnixNano
        && observedTimeUnixNano == x.observedTimeUnixNano
        && Objects.equals(name, x.name)
        && Objects.equals(traceId, x.traceId)
        && Objects.equals(spanId, x.spanId)
        && Objects.equals(parentSpanId, x.parentSpanId)
        && Objects.equals(traceState, x.traceState)
        && Objects.equals(baggage, x.baggage)
        && Objects.equals(body, x.body)
        && Objects.equals(severityText, x.severityText)
        && Objects.equals(schemaUrl, x.schemaUrl)
        && Objects.equals(scopeName, x.scopeName)
        && Objects.equals(scopeVersion, x.scopeVersion)
        && Objects.equals(deadLetterReason, x.deadLetterReason)
        && attributes.equals(x.attributes)
        && resource.equals(x.resource)
        && scope.equals(x.scope);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, traceId, spanId, body, timeUnixNano, attributes, resource);
  }

  /** Renders every non-empty part in a fixed order, attributes in their own order. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(kind.name()).append('{');
    appendIf(sb, "name", name);
    appendIf(sb, "trace_id", traceId);
    appendIf(sb, "span_id", spanId);
    appendIf(sb, "parent_span_id", parentSpanId);
    if (traceFlags != 0) {
      appendIf(sb, "trace_flags", Integer.toString(traceFlags));
    }
    appendIf(sb, "trace_state", traceState);
    appendIf(sb, "baggage", baggage);
    appendIf(sb, "body", body);
    if (severityNumber != 0) {
      appendIf(sb, "severity_number", Integer.toString(severityNumber));
    }
    appendIf(sb, "severity_text", severityText);
    if (timeUnixNano != 0) {
      appendIf(sb, "time", Long.toString(timeUnixNano));
    }
    if (endTimeUnixNano != 0) {
      appendIf(sb, "end_time", Long.toString(endTimeUnixNano));
    }
    if (observedTimeUnixNano != 0) {
      appendIf(sb, "observed_time", Long.toString(observedTimeUnixNano));
    }
    appendIf(sb, "schema_url", schemaUrl);
    appendIf(sb, "scope_name", scopeName);
    appendIf(sb, "scope_version", scopeVersion);
    appendIf(sb, "dead_letter", deadLetterReason);
    sb.append(" attributes=").append(attributes);
    if (!resource.isEmpty()) {
      sb.append(" resource=").append(resource);
    }
    if (!scope.isEmpty()) {
      sb.append(" scope=").append(scope);
    }
    return sb.append('}').toString();
  }

  private static void appendIf(StringBuilder sb, String label, String value) {
    if (value != null) {
      sb.append(' ').append(label).append('=').append(value);
    }
  }
}
