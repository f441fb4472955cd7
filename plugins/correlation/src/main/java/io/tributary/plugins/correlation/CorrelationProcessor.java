package io.tributary.plugins.correlation;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.trace.Baggage;
import io.tributary.api.trace.TraceParent;
import io.tributary.api.trace.TraceState;
import java.util.List;

/**
 * Checks and repairs trace context, ensures a request id and promotes baggage. Holds only
 * immutable configuration; the id generators of {@link TraceParent} and {@link RequestIds} are
 * thread-safe.
 */
final class CorrelationProcessor implements Processor {

  /** Pads a span id to trace-id length, so {@link TraceParent#normalizeTraceId} can check it. */
  private static final String SPAN_ID_PAD = "0000000000000000";

  private final boolean repair;
  private final boolean[] generateFor;
  private final boolean writeTraceparent;
  private final String[] requestIdKeys;
  private final String requestIdTarget;
  private final int requestIdMaxLength;
  private final boolean generateRequestId;
  private final String[] baggageNames;
  private final String[] baggageKeys;
  private final boolean baggageOverwrite;

  CorrelationProcessor(
      boolean repair,
      boolean[] generateFor,
      boolean writeTraceparent,
      String[] requestIdKeys,
      String requestIdTarget,
      int requestIdMaxLength,
      boolean generateRequestId,
      String[] baggageNames,
      String[] baggageKeys,
      boolean baggageOverwrite) {
    this.repair = repair;
    this.generateFor = generateFor;
    this.writeTraceparent = writeTraceparent;
    this.requestIdKeys = requestIdKeys;
    this.requestIdTarget = requestIdTarget;
    this.requestIdMaxLength = requestIdMaxLength;
    this.generateRequestId = generateRequestId;
    this.baggageNames = baggageNames;
    this.baggageKeys = baggageKeys;
    this.baggageOverwrite = baggageOverwrite;
  }

  @Override
  public void process(Item item) {
    ensureTraceContext(item);
    if (writeTraceparent) {
      writeTraceparent(item);
    }
    // A metric point's attributes name its series: a generated id would make every point a series of its own.
    ensureRequestId(item.attributes(), generateRequestId && item.kind() != Item.Kind.METRIC_POINT);
    if (baggageNames.length > 0) {
      promoteBaggage(item);
    }
  }

  // ---------------------------------------------------------------- trace context

  private void ensureTraceContext(Item item) {
    boolean generate = generateFor[item.kind().ordinal()];

    String traceId = item.traceId();
    if (isAbsent(traceId)) {
      if (generate) {
        item.traceId(TraceParent.newTraceId());
      }
    } else if (repair && !TraceParent.isValidTraceId(traceId)) {
      String normalized = TraceParent.normalizeTraceId(traceId);
      item.traceId(normalized != null ? normalized : TraceParent.newTraceId());
    }

    String spanId = item.spanId();
    if (isAbsent(spanId)) {
      if (generate) {
        item.spanId(TraceParent.newSpanId());
      }
    } else if (repair && !TraceParent.isValidSpanId(spanId)) {
      String normalized = normalizeSpanId(spanId);
      item.spanId(normalized != null ? normalized : TraceParent.newSpanId());
    }

    if (!repair) {
      return;
    }
    String parent = item.parentSpanId();
    if (!isAbsent(parent) && !TraceParent.isValidSpanId(parent)) {
      // A parent we cannot read points nowhere: better a root span than a dangling link.
      item.parentSpanId(normalizeSpanId(parent));
    }
    String traceState = item.traceState();
    if (!isAbsent(traceState) && TraceState.validate(traceState) != null) {
      // The spec forbids propagating part of an invalid tracestate: drop all of it.
      item.traceState(null);
    }
  }

  private static boolean isAbsent(String value) {
    return value == null || value.isEmpty();
  }

  /**
   * Returns {@code id} lowercased if it is a span id in the wrong case, else null. The API has no
   * span-id counterpart of {@link TraceParent#normalizeTraceId}; padding with zeros to trace-id
   * length reuses its rules exactly (hex only, not all zero). Runs only for ids that are already
   * invalid.
   */
  static String normalizeSpanId(String id) {
    if (id.length() != SPAN_ID_PAD.length()) {
      return null;
    }
    String normalized = TraceParent.normalizeTraceId(SPAN_ID_PAD + id);
    return normalized == null ? null : normalized.substring(SPAN_ID_PAD.length());
  }

  private static void writeTraceparent(Item item) {
    String traceId = item.traceId();
    String spanId = item.spanId();
    if (TraceParent.isValidTraceId(traceId) && TraceParent.isValidSpanId(spanId)) {
      // OTLP span flags carry more than the W3C byte; traceparent has room for the low 8 bits.
      String header = TraceParent.of(traceId, spanId, item.traceFlags() & 0xff).format();
      item.attributes().put(CorrelationProcessorFactory.TRACEPARENT_KEY, header);
    }
  }

  // ---------------------------------------------------------------- request id

  private void ensureRequestId(Attributes attributes, boolean generateRequestId) {
    int existing = attributes.indexOf(requestIdTarget);
    if (existing >= 0
        && (attributes.typeAt(existing) != Attributes.Type.STRING
            || !attributes.stringAt(existing).isBlank())) {
      return; // the target already holds a value: never replace it
    }
    String found = null;
    for (String key : requestIdKeys) {
      int at = attributes.indexOf(key);
      if (at >= 0) {
        found = usableRequestId(attributes, at);
        if (found != null) {
          break;
        }
      }
    }
    if (found == null && generateRequestId) {
      found = RequestIds.newRequestId();
    }
    if (found != null) {
      attributes.put(requestIdTarget, found);
    }
  }

  /** The trimmed, non-blank, not too long string (or first such array element) at {@code at}. */
  private String usableRequestId(Attributes attributes, int at) {
    Attributes.Type type = attributes.typeAt(at);
    if (type == Attributes.Type.STRING) {
      return usable(attributes.stringAt(at));
    }
    if (type == Attributes.Type.ARRAY) {
      for (Object element : (List<?>) attributes.valueAt(at)) {
        if (element instanceof String) {
          String value = usable((String) element);
          if (value != null) {
            return value;
          }
        }
      }
    }
    return null;
  }

  private String usable(String value) {
    String trimmed = value.strip();
    return trimmed.isEmpty() || trimmed.length() > requestIdMaxLength ? null : trimmed;
  }

  // ---------------------------------------------------------------- baggage

  private void promoteBaggage(Item item) {
    String header = item.baggage();
    if (isAbsent(header)) {
      return;
    }
    Baggage baggage = Baggage.parse(header);
    if (baggage.isEmpty()) {
      return;
    }
    Attributes attributes = item.attributes();
    for (int i = 0; i < baggageNames.length; i++) {
      String value = baggage.get(baggageNames[i]);
      if (value != null && (baggageOverwrite || !attributes.contains(baggageKeys[i]))) {
        attributes.put(baggageKeys[i], value);
      }
    }
  }
}
