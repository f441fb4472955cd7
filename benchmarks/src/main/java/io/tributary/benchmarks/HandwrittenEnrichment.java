package io.tributary.benchmarks;

import static io.tributary.benchmarks.EnrichmentWorkload.DEBUG;
import static io.tributary.benchmarks.EnrichmentWorkload.NEW_METHOD;
import static io.tributary.benchmarks.EnrichmentWorkload.OLD_METHOD;
import static io.tributary.benchmarks.EnrichmentWorkload.REQUEST_ID;
import static io.tributary.benchmarks.EnrichmentWorkload.RESOURCE_STAMPS;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorFactory;
import io.tributary.api.trace.TraceParent;
import io.tributary.api.trace.TraceState;
import io.tributary.plugins.piiredaction.PiiRedactionProcessorFactory;
import io.tributary.runtime.ConfigSchema;
import io.tributary.runtime.StageContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limit of {@link EnrichmentBenchmark}: the work of {@link EnrichmentWorkload#spec()} written
 * by hand in one straight-line method that changes the item in place, with no engine around it (no
 * change tracking, breaker, lineage, timing or per-stage dispatch).
 *
 * <p>Correlation, environment and attributes are written out here, against the public item API
 * and the {@code io.tributary.api.trace} helpers the processors use; the correlation plugin's
 * UUIDv7 request-id generator is package-private to the plugin, which is not on this jar's class
 * path, so {@link #newRequestId} is a copy of it. PII redaction is not written out: its scanner
 * is package-private to the plugin and rewriting it would measure a different scanner, so this
 * calls a pii-redaction {@link Processor} (from the class path, same configuration) directly.
 * What (a) pays beyond this is the engine's overhead.
 *
 * <p>Thread-safe, as processors must be.
 */
final class HandwrittenEnrichment {

  private static final String SPAN_ID_PAD = "0000000000000000";

  /** The request id sources of the correlation processor's default configuration, in order. */
  private static final String[] REQUEST_ID_KEYS = {
    REQUEST_ID, EnrichmentWorkload.REQUEST_ID_SOURCE, "http.request.header.x-request-id", "correlation.id"
  };

  private static final int REQUEST_ID_MAX_LENGTH = 128;


  /** As in the correlation plugin's generator: the last UUIDv7 prefix issued; only ever grows. */
  private static final AtomicLong lastRequestIdPrefix = new AtomicLong();

  private final Processor pii;

  HandwrittenEnrichment() {
    ProcessorFactory factory = new PiiRedactionProcessorFactory();
    this.pii = factory.create(new StageContext("bench", "pii-redaction",
        ConfigSchema.validate(factory.descriptor(), EnrichmentWorkload.piiConfig()), Map.of(), null));
  }

  void enrich(Item item) {
    // correlation: repair trace context (a span without ids gets new ones), ensure request.id
    String traceId = item.traceId();
    if (traceId == null || traceId.isEmpty()) {
      item.traceId(TraceParent.newTraceId());
    } else if (!TraceParent.isValidTraceId(traceId)) {
      String normalized = TraceParent.normalizeTraceId(traceId);
      item.traceId(normalized != null ? normalized : TraceParent.newTraceId());
    }
    String spanId = item.spanId();
    if (spanId == null || spanId.isEmpty()) {
      item.spanId(TraceParent.newSpanId());
    } else if (!TraceParent.isValidSpanId(spanId)) {
      String normalized = normalizeSpanId(spanId);
      item.spanId(normalized != null ? normalized : TraceParent.newSpanId());
    }
    String parent = item.parentSpanId();
    if (parent != null && !parent.isEmpty() && !TraceParent.isValidSpanId(parent)) {
      item.parentSpanId(normalizeSpanId(parent));
    }
    String traceState = item.traceState();
    if (traceState != null && !traceState.isEmpty() && TraceState.validate(traceState) != null) {
      item.traceState(null);
    }
    Attributes a = item.attributes();
    int existing = a.indexOf(REQUEST_ID);
    if (existing < 0 || (a.typeAt(existing) == Attributes.Type.STRING && a.stringAt(existing).isBlank())) {
      String found = null;
      for (int k = 0; k < REQUEST_ID_KEYS.length && found == null; k++) {
        int at = a.indexOf(REQUEST_ID_KEYS[k]);
        if (at >= 0) {
          found = requestIdAt(a, at);
        }
      }
      a.put(REQUEST_ID, found != null ? found : newRequestId());
    }

    // environment: fill gaps on the resource
    Attributes r = item.resource();
    for (String[] stamp : RESOURCE_STAMPS) {
      int at = r.indexOf(stamp[0]);
      if (at < 0) {
        r.put(stamp[0], stamp[1]);
      } else if (r.typeAt(at) == Attributes.Type.STRING && r.stringAt(at).isBlank()) {
        r.setStringAt(at, stamp[1]);
      }
    }

    // attributes: rename, delete
    int old = a.indexOf(OLD_METHOD);
    if (old >= 0) {
      String method = a.stringAt(old);
      if (method != null) {
        a.put(NEW_METHOD, method);
      } else {
        a.putValue(NEW_METHOD, a.valueAt(old));
      }
      a.removeAt(old); // a put replaces in place or appends: nothing before 'old' moved
    }
    a.remove(DEBUG);

    // pii-redaction
    pii.process(item);
  }

  private static String requestIdAt(Attributes a, int at) {
    Attributes.Type type = a.typeAt(at);
    if (type == Attributes.Type.STRING) {
      return usable(a.stringAt(at));
    }
    if (type == Attributes.Type.ARRAY) {
      for (Object element : (List<?>) a.valueAt(at)) {
        String value = element instanceof String ? usable((String) element) : null;
        if (value != null) {
          return value;
        }
      }
    }
    return null;
  }

  private static String usable(String value) {
    String trimmed = value.strip();
    return trimmed.isEmpty() || trimmed.length() > REQUEST_ID_MAX_LENGTH ? null : trimmed;
  }

  private static String normalizeSpanId(String id) {
    if (id.length() != SPAN_ID_PAD.length()) {
      return null;
    }
    String normalized = TraceParent.normalizeTraceId(SPAN_ID_PAD + id);
    return normalized == null ? null : normalized.substring(SPAN_ID_PAD.length());
  }

  /**
   * A new UUIDv7 request id, as the correlation plugin's {@code RequestIds.newRequestId} makes it
   * (same layout, same monotonic counter, same cost): a copy, since that class is package-private
   * to the plugin.
   */
  private static String newRequestId() {
    long now = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
    long candidate = now << 12;
    long prefix;
    long previous;
    do {
      previous = lastRequestIdPrefix.get();
      prefix = candidate > previous ? candidate : previous + 1;
    } while (!lastRequestIdPrefix.compareAndSet(previous, prefix));

    long mostSignificant = ((prefix >>> 12) << 16) | 0x7000L | (prefix & 0xFFF);
    long leastSignificant =
        (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | Long.MIN_VALUE;

    // java.util.UUID writes the canonical lowercase 8-4-4-4-12 form.
    return new java.util.UUID(mostSignificant, leastSignificant).toString();
  }
}
