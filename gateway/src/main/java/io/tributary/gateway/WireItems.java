package io.tributary.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.gateway.Wire.Out;
import io.tributary.gateway.Wire.Reader;
import io.tributary.gateway.Wire.Schema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fast path for spans, log records and metrics that come as protobuf: items straight from
 * the request's bytes, and the enriched request written from those bytes — with no protobuf-java
 * message per span, attribute or value in between. Gauge and sum data points are items; other
 * metrics (histograms, summaries) pass through as they came, as in {@link OtlpItems}.
 *
 * <p>Decoding reads only what {@link Item} models and validates the rest as protobuf-java would
 * ({@link Wire.Schema}); anything unusual (malformed bytes, groups, a known field with another wire
 * type, a duplicated message field) makes {@link #decode} answer null, and the request takes the
 * reference path: protobuf-java and {@link OtlpItems}. Encoding keeps every byte enrichment did not
 * change: a span's unmodelled fields (kind, status, events, links, dropped counts, unknown fields),
 * unchanged attributes, resources and scopes are copied as they came.
 *
 * <p>What comes out parses to the message the reference path builds, item for item, group for
 * group; {@code WireEquivalenceTest} holds the two against each other on seeded random requests.
 */
final class WireItems {

  // ExportTraceServiceRequest / ExportLogsServiceRequest, ResourceSpans / ResourceLogs and
  // ScopeSpans / ScopeLogs number their fields alike.
  private static final int REQUEST_RESOURCES = 1;
  private static final int RESOURCE_GROUP_RESOURCE = 1;
  private static final int RESOURCE_GROUP_SCOPES = 2;
  private static final int RESOURCE_GROUP_SCHEMA_URL = 3;
  private static final int SCOPE_GROUP_SCOPE = 1;
  private static final int SCOPE_GROUP_RECORDS = 2;
  private static final int SCOPE_GROUP_SCHEMA_URL = 3;

  // Resource and InstrumentationScope.
  private static final int RESOURCE_ATTRIBUTES = 1;
  private static final int SCOPE_NAME = 1;
  private static final int SCOPE_VERSION = 2;
  private static final int SCOPE_ATTRIBUTES = 3;

  // Span.
  private static final int SPAN_TRACE_ID = 1;
  private static final int SPAN_SPAN_ID = 2;
  private static final int SPAN_TRACE_STATE = 3;
  private static final int SPAN_PARENT_SPAN_ID = 4;
  private static final int SPAN_NAME = 5;
  private static final int SPAN_START_TIME = 7;
  private static final int SPAN_END_TIME = 8;
  private static final int SPAN_ATTRIBUTES = 9;
  private static final int SPAN_FLAGS = 16;

  // LogRecord.
  private static final int LOG_TIME = 1;
  private static final int LOG_SEVERITY_NUMBER = 2;
  private static final int LOG_SEVERITY_TEXT = 3;
  private static final int LOG_BODY = 5;
  private static final int LOG_ATTRIBUTES = 6;
  private static final int LOG_FLAGS = 8;
  private static final int LOG_TRACE_ID = 9;
  private static final int LOG_SPAN_ID = 10;
  private static final int LOG_OBSERVED_TIME = 11;
  private static final int LOG_EVENT_NAME = 12;

  // Metric, Gauge / Sum, NumberDataPoint.
  private static final int METRIC_NAME = 1;
  private static final int METRIC_GAUGE = 5;
  private static final int METRIC_SUM = 7;
  private static final int DATA_POINTS = 1;
  private static final int POINT_TIME = 3;
  private static final int POINT_ATTRIBUTES = 7;

  /** Whether {@code field} of a Metric is one of its data fields (the {@code data} oneof). */
  private static boolean isMetricData(int field) {
    return field == METRIC_GAUGE || field == METRIC_SUM || field == 9 || field == 10 || field == 11;
  }

  // KeyValue and AnyValue.
  private static final int KV_KEY = 1;
  private static final int KV_VALUE = 2;
  private static final int ANY_STRING = 1;
  private static final int ANY_BOOL = 2;
  private static final int ANY_INT = 3;
  private static final int ANY_DOUBLE = 4;

  private static final Schema SPAN = Schema.of(Span.getDescriptor());
  private static final Schema LOG_RECORD = Schema.of(LogRecord.getDescriptor());
  private static final Schema RESOURCE = Schema.of(Resource.getDescriptor());
  private static final Schema SCOPE = Schema.of(InstrumentationScope.getDescriptor());
  private static final Schema ANY_VALUE = Schema.of(AnyValue.getDescriptor());
  private static final Schema KEY_VALUE = Schema.of(KeyValue.getDescriptor());
  private static final Schema METRIC = Schema.of(io.opentelemetry.proto.metrics.v1.Metric.getDescriptor());
  private static final Schema GAUGE = Schema.of(io.opentelemetry.proto.metrics.v1.Gauge.getDescriptor());
  private static final Schema SUM = Schema.of(io.opentelemetry.proto.metrics.v1.Sum.getDescriptor());
  private static final Schema NUMBER_DATA_POINT = Schema.of(io.opentelemetry.proto.metrics.v1.NumberDataPoint.getDescriptor());
  private static final Schema TRACE_REQUEST = Schema.of(ExportTraceServiceRequest.getDescriptor());
  private static final Schema LOGS_REQUEST = Schema.of(ExportLogsServiceRequest.getDescriptor());
  private static final Schema METRICS_REQUEST = Schema.of(
      io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.getDescriptor());

  /** Attribute keys, and short values, names and versions, as they recur across requests. */
  private static final Wire.Strings STRINGS = new Wire.Strings(8192);

  private WireItems() {}

  // ================================================================ in

  /** Attribute values as they came, in wire order, with where each key-value is in the request. */
  static final class Originals {
    static final byte BYTES = 4;
    static final byte ARRAY = 5; // of scalars
    static final byte COMPLEX = 6; // a map, nested array or empty value, held as JSON text
    static final byte OTHER = 7;

    String[] keys;
    byte[] types;
    long[] prims;
    Object[] refs;
    int[] starts;
    int[] lengths;
    int size;

    /** Room for about as many key-values as {@code requestBytes} can hold (each takes 20 or more). */
    Originals(int requestBytes) {
      int n = Math.max(16, Math.min(1 << 16, requestBytes / 24));
      keys = new String[n];
      types = new byte[n];
      prims = new long[n];
      refs = new Object[n];
      starts = new int[n];
      lengths = new int[n];
    }

    int add(String key, int start, int length) {
      if (size == keys.length) {
        int n = size * 2;
        keys = Arrays.copyOf(keys, n);
        types = Arrays.copyOf(types, n);
        prims = Arrays.copyOf(prims, n);
        refs = Arrays.copyOf(refs, n);
        starts = Arrays.copyOf(starts, n);
        lengths = Arrays.copyOf(lengths, n);
      }
      keys[size] = key;
      starts[size] = start;
      lengths[size] = length;
      return size++;
    }

    /**
     * Whether attribute {@code i} of {@code a} holds exactly original {@code j}'s value — the rule
     * {@link AnyValues#keyValues} follows: scalars, bytes and arrays by value, a complex value by its
     * JSON text.
     */
    boolean same(Attributes a, int i, int j) {
      switch (a.typeAt(i)) {
        case STRING:
          return (types[j] == 0 || types[j] == COMPLEX) && a.stringAt(i).equals(refs[j]);
        case BOOLEAN:
          return types[j] == 1 && (prims[j] != 0) == a.booleanAt(i);
        case LONG:
          return types[j] == 2 && prims[j] == a.longAt(i);
        case DOUBLE:
          return types[j] == 3 && prims[j] == Double.doubleToRawLongBits(a.doubleAt(i));
        case BYTES:
          return types[j] == BYTES && Arrays.equals((byte[]) refs[j], (byte[]) a.valueAt(i));
        default:
          return types[j] == ARRAY && refs[j].equals(a.valueAt(i));
      }
    }

    /** The last original in {@code [from, to)} with {@code key}, or -1. */
    int lastWithKey(String key, int from, int to) {
      for (int j = to - 1; j >= from; j--) {
        if (keys[j].equals(key)) {
          return j;
        }
      }
      return -1;
    }
  }

  /** A resource or scope as it came, shared by the items under it. */
  static final class Part {
    final int offset;
    final int length;
    final String schemaUrl;
    final int firstOriginal;
    final int originals;
    /** For scopes: name and version as they came (empty when absent). */
    final String name;
    final String version;
    /** For scopes: the index of their resource. */
    final int resource;

    /** The encoding last written for it, and what it was written from. */
    byte[] written;
    String writtenSchemaUrl;
    Attributes writtenFrom;
    String writtenName;
    String writtenVersion;
    String writtenItemSchema;

    Part(int offset, int length, String schemaUrl, int firstOriginal, int originals, String name, String version,
        int resource) {
      this.offset = offset;
      this.length = length;
      this.schemaUrl = schemaUrl;
      this.firstOriginal = firstOriginal;
      this.originals = originals;
      this.name = name;
      this.version = version;
      this.resource = resource;
    }
  }

  /** Where each item of a request came from: the fast path's counterpart of {@link Envelope.Origin}. */
  static final class Source {
    final byte[] wire;
    final List<Part> resources = new ArrayList<>();
    final List<Part> scopes = new ArrayList<>();
    final Originals originals;
    /** Per item: record offset, record length, scope index, first original, originals. */
    int[] records = new int[5 * 128];

    Source(byte[] wire) {
      this.wire = wire;
      this.originals = new Originals(wire.length);
    }

    /**
     * Per item: its trace, span and parent span id as decoded. An item whose id is still that
     * very String gets the id's bytes copied instead of its hex decoded again.
     */
    String[] ids = new String[3 * 128];

    void ids(int item, String traceId, String spanId, String parentSpanId) {
      if (3 * item + 3 > ids.length) {
        ids = Arrays.copyOf(ids, ids.length * 2);
      }
      ids[3 * item] = traceId;
      ids[3 * item + 1] = spanId;
      ids[3 * item + 2] = parentSpanId;
    }

    /** Itemized metrics: [offset, length, data field, data offset, data length] of each. */
    final List<int[]> metrics = new ArrayList<>();
    /** Per item (data points only): the index of its metric in {@link #metrics}. */
    int[] metricOf = new int[0];
    /** Metrics passed through as they came: [scope index, offset, length] of each. */
    final List<int[]> passThrough = new ArrayList<>();

    void metricOf(int item, int metric) {
      if (item >= metricOf.length) {
        metricOf = Arrays.copyOf(metricOf, Math.max(128, metricOf.length * 2));
      }
      metricOf[item] = metric;
    }

    void passThrough(int scope, int offset, int length) {
      passThrough.add(new int[] {scope, offset, length});
    }

    void record(int item, int offset, int length, int scope, int firstOriginal, int count) {
      int at = 5 * item;
      if (at + 5 > records.length) {
        records = Arrays.copyOf(records, records.length * 2);
      }
      records[at] = offset;
      records[at + 1] = length;
      records[at + 2] = scope;
      records[at + 3] = firstOriginal;
      records[at + 4] = count;
    }
  }

  /**
   * The items of a protobuf export request (spans, log records, gauge and sum data points), or
   * null when the request is not for the fast path (bytes that are unusual or malformed:
   * protobuf-java then decides).
   */
  static Envelope decode(Signal signal, byte[] wire) {
    try {
      return new Decoder(signal, wire).run();
    } catch (Wire.Unusual | InvalidProtocolBufferException e) {
      return null;
    }
  }

  private static final class Decoder {
    private final Signal signal;
    private final byte[] b;
    private final Source source;
    private final List<Item> items = new ArrayList<>();
    private long rejected;
    private final StringBuilder why = new StringBuilder();

    Decoder(Signal signal, byte[] wire) {
      this.signal = signal;
      this.b = wire;
      this.source = new Source(wire);
    }

    Envelope run() throws InvalidProtocolBufferException {
      Reader r = new Reader(b, 0, b.length);
      while (r.more()) {
        int tag = r.tag();
        if (tag >>> 3 == REQUEST_RESOURCES) {
          expectLen(tag);
          int n = r.length();
          resourceGroup(r.pos, n);
          r.pos += n;
        } else {
          skipValidated(r, tag, signal == Signal.TRACES ? TRACE_REQUEST : signal == Signal.LOGS ? LOGS_REQUEST
              : METRICS_REQUEST, 1);
        }
      }
      Envelope e = new Envelope(signal, items, source.passThrough.size(), rejected, why.toString());
      e.source = source;
      return e;
    }

    /** ResourceSpans / ResourceLogs: the resource and schema URL first, wherever they are. */
    private void resourceGroup(int offset, int length) throws InvalidProtocolBufferException {
      int end = offset + length;
      int resourceAt = -1;
      int resourceLength = 0;
      String schemaUrl = "";
      Reader r = new Reader(b, offset, end);
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        if (field == RESOURCE_GROUP_RESOURCE) {
          expectLen(tag);
          if (resourceAt >= 0) {
            throw Wire.unusual(); // two resource fields merge in protobuf: leave that to it
          }
          resourceLength = r.length();
          resourceAt = r.pos;
          r.pos += resourceLength;
        } else if (field == RESOURCE_GROUP_SCHEMA_URL) {
          expectLen(tag);
          schemaUrl = r.string();
        } else if (field == RESOURCE_GROUP_SCOPES) {
          expectLen(tag);
          int skipped = r.length(); // not "r.pos += r.length()": that adds to pos as it was before the varint
          r.pos += skipped;
        } else {
          r.skip(tag); // unknown fields of the group: dropped, as the reference path drops them
        }
      }
      Attributes template = Attributes.create();
      int first = source.originals.size;
      if (resourceAt >= 0) {
        Reader rr = new Reader(b, resourceAt, resourceAt + resourceLength);
        while (rr.more()) {
          int tag = rr.tag();
          if (tag >>> 3 == RESOURCE_ATTRIBUTES && (tag & 7) == Wire.LEN) {
            int n = rr.length();
            keyValue(template, rr.pos, n, 2);
            rr.pos += n;
          } else if (tag >>> 3 == RESOURCE_ATTRIBUTES) {
            throw Wire.unusual();
          } else {
            skipValidated(rr, tag, RESOURCE, 2);
          }
        }
      }
      int resourceIndex = source.resources.size();
      source.resources.add(new Part(resourceAt, resourceAt < 0 ? 0 : resourceLength, schemaUrl, first,
          source.originals.size - first, null, null, -1));
      r = new Reader(b, offset, end);
      while (r.more()) {
        int tag = r.tag();
        if (tag >>> 3 == RESOURCE_GROUP_SCOPES) {
          int n = r.length();
          scopeGroup(r.pos, n, resourceIndex, template, schemaUrl);
          r.pos += n;
        } else {
          r.skip(tag);
        }
      }
    }

    /** ScopeSpans / ScopeLogs. */
    private void scopeGroup(int offset, int length, int resourceIndex, Attributes resource, String resourceSchemaUrl)
        throws InvalidProtocolBufferException {
      int end = offset + length;
      int scopeAt = -1;
      int scopeLength = 0;
      String schemaUrl = "";
      Reader r = new Reader(b, offset, end);
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        if (field == SCOPE_GROUP_SCOPE) {
          expectLen(tag);
          if (scopeAt >= 0) {
            throw Wire.unusual();
          }
          scopeLength = r.length();
          scopeAt = r.pos;
          r.pos += scopeLength;
        } else if (field == SCOPE_GROUP_SCHEMA_URL) {
          expectLen(tag);
          schemaUrl = r.string();
        } else if (field == SCOPE_GROUP_RECORDS) {
          expectLen(tag);
          int skipped = r.length(); // not "r.pos += r.length()": that adds to pos as it was before the varint
          r.pos += skipped;
        } else {
          r.skip(tag);
        }
      }
      Item template = signal == Signal.TRACES ? Item.span() : signal == Signal.LOGS ? Item.log() : Item.metricPoint();
      template.resource().putAll(resource);
      String name = "";
      String version = "";
      int first = source.originals.size;
      if (scopeAt >= 0) {
        Reader sr = new Reader(b, scopeAt, scopeAt + scopeLength);
        while (sr.more()) {
          int tag = sr.tag();
          int field = tag >>> 3;
          if (field == SCOPE_NAME && (tag & 7) == Wire.LEN) {
            name = sr.string(STRINGS);
          } else if (field == SCOPE_VERSION && (tag & 7) == Wire.LEN) {
            version = sr.string(STRINGS);
          } else if (field == SCOPE_ATTRIBUTES && (tag & 7) == Wire.LEN) {
            int n = sr.length();
            keyValue(template.scope(), sr.pos, n, 2);
            sr.pos += n;
          } else if (field == SCOPE_NAME || field == SCOPE_VERSION || field == SCOPE_ATTRIBUTES) {
            throw Wire.unusual();
          } else {
            skipValidated(sr, tag, SCOPE, 2);
          }
        }
      }
      template.scopeName(emptyToNull(name)).scopeVersion(emptyToNull(version))
          .schemaUrl(emptyToNull(schemaUrl.isEmpty() ? resourceSchemaUrl : schemaUrl));
      int scopeIndex = source.scopes.size();
      source.scopes.add(new Part(scopeAt, scopeAt < 0 ? 0 : scopeLength, schemaUrl, first,
          source.originals.size - first, name, version, resourceIndex));
      r = new Reader(b, offset, end);
      while (r.more()) {
        int tag = r.tag();
        if (tag >>> 3 == SCOPE_GROUP_RECORDS) {
          int n = r.length();
          if (signal == Signal.TRACES) {
            span(template, r.pos, n, scopeIndex);
          } else if (signal == Signal.LOGS) {
            logRecord(template, r.pos, n, scopeIndex);
          } else {
            metric(template, r.pos, n, scopeIndex);
          }
          r.pos += n;
        } else {
          r.skip(tag);
        }
      }
    }

    private void span(Item template, int offset, int length, int scopeIndex) throws InvalidProtocolBufferException {
      Item item = template.copy();
      int first = source.originals.size;
      int traceAt = 0;
      int traceLength = 0;
      int spanAt = 0;
      int spanLength = 0;
      int parentAt = 0;
      int parentLength = 0;
      String name = "";
      String traceState = "";
      long start = 0;
      long end = 0;
      int flags = 0;
      Reader r = new Reader(b, offset, offset + length);
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        int type = tag & 7;
        switch (field) {
          case SPAN_TRACE_ID: expect(type, Wire.LEN); traceLength = r.length(); traceAt = r.pos; r.pos += traceLength; break;
          case SPAN_SPAN_ID: expect(type, Wire.LEN); spanLength = r.length(); spanAt = r.pos; r.pos += spanLength; break;
          case SPAN_PARENT_SPAN_ID:
            expect(type, Wire.LEN); parentLength = r.length(); parentAt = r.pos; r.pos += parentLength; break;
          case SPAN_TRACE_STATE: expect(type, Wire.LEN); traceState = r.string(); break;
          case SPAN_NAME: expect(type, Wire.LEN); name = r.string(STRINGS); break;
          case SPAN_START_TIME: expect(type, Wire.FIXED64); start = r.fixed64(); break;
          case SPAN_END_TIME: expect(type, Wire.FIXED64); end = r.fixed64(); break;
          case SPAN_FLAGS: expect(type, Wire.FIXED32); flags = r.fixed32(); break;
          case SPAN_ATTRIBUTES: {
            expect(type, Wire.LEN);
            int n = r.length();
            keyValue(item.attributes(), r.pos, n, 4);
            r.pos += n;
            break;
          }
          default:
            skipValidated(r, tag, SPAN, 4);
        }
      }
      String problem = checkIds(traceAt, traceLength, spanAt, spanLength, true);
      if (problem == null && parentLength != 0 && parentLength != 8) {
        problem = "parent span id is not 8 bytes";
      }
      if (problem != null) {
        source.originals.size = first;
        reject("span '" + name + "': " + problem);
        return;
      }
      String traceId = Wire.hex(b, traceAt, traceLength);
      String spanId = Wire.hex(b, spanAt, spanLength);
      String parentSpanId = Wire.hex(b, parentAt, parentLength);
      item.name(name).traceId(traceId).spanId(spanId).parentSpanId(parentSpanId).traceFlags(flags & 0xff)
          .traceState(emptyToNull(traceState)).timeUnixNano(start).endTimeUnixNano(end);
      source.ids(items.size(), traceId, spanId, parentSpanId);
      source.record(items.size(), offset, length, scopeIndex, first, source.originals.size - first);
      items.add(item);
    }

    private void logRecord(Item template, int offset, int length, int scopeIndex)
        throws InvalidProtocolBufferException {
      Item item = template.copy();
      int first = source.originals.size;
      int traceAt = 0;
      int traceLength = 0;
      int spanAt = 0;
      int spanLength = 0;
      String eventName = "";
      String severityText = "";
      int severity = 0;
      long time = 0;
      long observed = 0;
      int flags = 0;
      int bodyAt = -1;
      int bodyLength = 0;
      Reader r = new Reader(b, offset, offset + length);
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        int type = tag & 7;
        switch (field) {
          case LOG_TRACE_ID: expect(type, Wire.LEN); traceLength = r.length(); traceAt = r.pos; r.pos += traceLength; break;
          case LOG_SPAN_ID: expect(type, Wire.LEN); spanLength = r.length(); spanAt = r.pos; r.pos += spanLength; break;
          case LOG_EVENT_NAME: expect(type, Wire.LEN); eventName = r.string(); break;
          case LOG_SEVERITY_TEXT: expect(type, Wire.LEN); severityText = r.string(STRINGS); break;
          case LOG_SEVERITY_NUMBER: expect(type, Wire.VARINT); severity = (int) r.varint(); break;
          case LOG_TIME: expect(type, Wire.FIXED64); time = r.fixed64(); break;
          case LOG_OBSERVED_TIME: expect(type, Wire.FIXED64); observed = r.fixed64(); break;
          case LOG_FLAGS: expect(type, Wire.FIXED32); flags = r.fixed32(); break;
          case LOG_BODY: {
            expect(type, Wire.LEN);
            if (bodyAt >= 0) {
              throw Wire.unusual(); // two bodies merge in protobuf
            }
            bodyLength = r.length();
            bodyAt = r.pos;
            r.pos += bodyLength;
            break;
          }
          case LOG_ATTRIBUTES: {
            expect(type, Wire.LEN);
            int n = r.length();
            keyValue(item.attributes(), r.pos, n, 4);
            r.pos += n;
            break;
          }
          default:
            skipValidated(r, tag, LOG_RECORD, 4);
        }
      }
      String body = body(bodyAt, bodyLength); // read (and so validated) even if the record is rejected
      String problem = checkIds(traceAt, traceLength, spanAt, spanLength, false);
      if (problem != null) {
        source.originals.size = first;
        reject("log record: " + problem);
        return;
      }
      String traceId = Wire.hex(b, traceAt, traceLength);
      String spanId = Wire.hex(b, spanAt, spanLength);
      source.ids(items.size(), traceId, spanId, null);
      item.name(emptyToNull(eventName)).traceId(traceId).spanId(spanId).traceFlags(flags & 0xff).body(body)
          .severityNumber(severity).severityText(emptyToNull(severityText)).timeUnixNano(time)
          .observedTimeUnixNano(observed);
      source.record(items.size(), offset, length, scopeIndex, first, source.originals.size - first);
      items.add(item);
    }

    /** A log body as {@link AnyValues#bodyText} reads it: a string as itself, others as JSON text. */
    private String body(int at, int length) throws InvalidProtocolBufferException {
      if (at < 0) {
        return null;
      }
      Reader r = new Reader(b, at, at + length);
      if (r.more()) {
        int tag = r.tag();
        if (tag == (ANY_STRING << 3 | Wire.LEN)) {
          int n = r.length();
          if (r.pos + n == r.limit) {
            return Wire.utf8(b, r.pos, n);
          }
        }
      }
      ANY_VALUE.validate(b, at, length, 5);
      return AnyValues.bodyText(AnyValue.parseFrom(java.nio.ByteBuffer.wrap(b, at, length)));
    }

    /**
     * One KeyValue (its payload at {@code at}) into {@code target}, recorded among the originals. The common shape (a key, then one scalar) is read
     * here; anything else goes through protobuf-java and {@link AnyValues#put}.
     */
    private void keyValue(Attributes target, int at, int length, int depth)
        throws InvalidProtocolBufferException {
      int end = at + length;
      Originals o = source.originals;
      Reader r = new Reader(b, at, end);
      String key = "";
      int valueAt = -1;
      int valueLength = 0;
      boolean plain = true;
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        if (field == KV_KEY && (tag & 7) == Wire.LEN) {
          key = r.string(STRINGS);
        } else if (field == KV_VALUE && (tag & 7) == Wire.LEN) {
          if (valueAt >= 0) {
            plain = false; // two values merge in protobuf
          }
          valueLength = r.length();
          valueAt = r.pos;
          r.pos += valueLength;
        } else if (field == KV_KEY || field == KV_VALUE) {
          throw Wire.unusual();
        } else {
          r.skip(tag);
        }
      }
      int index = o.add(key, at, length);
      if (plain && valueAt >= 0 && scalar(target, key, valueAt, valueLength, index)) {
        return;
      }
      // Not one scalar: the reference reads it (maps, arrays, bytes, empty or odd values).
      KEY_VALUE.validate(b, at, length, depth);
      KeyValue kv = KeyValue.parseFrom(java.nio.ByteBuffer.wrap(b, at, length));
      AnyValue v = kv.getValue();
      AnyValues.put(target, key, v);
      if (AnyValues.isComplex(v)) {
        o.types[index] = Originals.COMPLEX;
        o.refs[index] = target.getString(key);
      } else {
        o.types[index] = Originals.OTHER;
        int i = target.indexOf(key);
        o.refs[index] = null;
        if (i >= 0) {
          switch (target.typeAt(i)) {
            case STRING: o.types[index] = 0; o.refs[index] = target.stringAt(i); break;
            case BOOLEAN: o.types[index] = 1; o.prims[index] = target.booleanAt(i) ? 1 : 0; break;
            case LONG: o.types[index] = 2; o.prims[index] = target.longAt(i); break;
            case DOUBLE: o.types[index] = 3; o.prims[index] = Double.doubleToRawLongBits(target.doubleAt(i)); break;
            case BYTES: o.types[index] = Originals.BYTES; o.refs[index] = target.valueAt(i); break;
            default: o.types[index] = Originals.ARRAY; o.refs[index] = target.valueAt(i); break;
          }
        }
      }
    }

    /** An AnyValue holding exactly one string, bool, int or double field: put, and true. */
    private boolean scalar(Attributes target, String key, int at, int length, int index) {
      if (length == 0) {
        return false;
      }
      Reader r = new Reader(b, at, at + length);
      int tag = r.tag();
      Originals o = source.originals;
      switch (tag) {
        case ANY_STRING << 3 | Wire.LEN: {
          String s = r.string();
          if (r.more()) {
            return false;
          }
          target.put(key, s);
          o.types[index] = 0;
          o.refs[index] = s;
          return true;
        }
        case ANY_BOOL << 3 | Wire.VARINT: {
          boolean v = r.varint() != 0;
          if (r.more()) {
            return false;
          }
          target.put(key, v);
          o.types[index] = 1;
          o.prims[index] = v ? 1 : 0;
          o.refs[index] = null;
          return true;
        }
        case ANY_INT << 3 | Wire.VARINT: {
          long v = r.varint();
          if (r.more()) {
            return false;
          }
          target.put(key, v);
          o.types[index] = 2;
          o.prims[index] = v;
          o.refs[index] = null;
          return true;
        }
        case ANY_DOUBLE << 3 | Wire.FIXED64: {
          long bits = r.fixed64();
          if (r.more()) {
            return false;
          }
          target.put(key, Double.longBitsToDouble(bits));
          o.types[index] = 3;
          o.prims[index] = Double.doubleToRawLongBits(Double.longBitsToDouble(bits));
          o.refs[index] = null;
          return true;
        }
        default:
          return false;
      }
    }

    /** Skips a field the fast path does not read, validating it as protobuf-java would. */
    private void skipValidated(Reader r, int tag, Schema schema, int depth) {
      if ((tag & 7) != Wire.LEN) {
        r.skip(tag);
        return;
      }
      int n = r.length();
      Schema.validateField(schema, tag >>> 3, b, r.pos, n, depth);
      r.pos += n;
    }

    /**
     * A Metric: a gauge's or sum's data points become items; any other metric (histograms,
     * summaries, none) passes through as it came, as in {@link OtlpItems}.
     */
    private void metric(Item template, int offset, int length, int scopeIndex) throws InvalidProtocolBufferException {
      String name = "";
      int dataField = 0;
      int dataAt = -1;
      int dataLength = 0;
      Reader r = new Reader(b, offset, offset + length);
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        if (field == METRIC_NAME) {
          expect(tag & 7, Wire.LEN);
          name = r.string(STRINGS);
        } else if (isMetricData(field) && (tag & 7) == Wire.LEN) {
          if (dataField != 0) {
            throw Wire.unusual(); // two data fields: protobuf keeps the last or merges them
          }
          dataField = field;
          dataLength = r.length();
          dataAt = r.pos;
          if (field != METRIC_GAUGE && field != METRIC_SUM) {
            Schema.validateField(METRIC, field, b, dataAt, dataLength, 4);
          }
          r.pos += dataLength;
        } else if (isMetricData(field)) {
          throw Wire.unusual();
        } else {
          skipValidated(r, tag, METRIC, 4);
        }
      }
      if (dataField != METRIC_GAUGE && dataField != METRIC_SUM) {
        source.passThrough(scopeIndex, offset, length);
        return;
      }
      int metricIndex = source.metrics.size();
      source.metrics.add(new int[] {offset, length, dataField, dataAt, dataLength});
      Reader d = new Reader(b, dataAt, dataAt + dataLength);
      while (d.more()) {
        int tag = d.tag();
        if (tag >>> 3 == DATA_POINTS && (tag & 7) == Wire.LEN) {
          int n = d.length();
          point(template, name, d.pos, n, scopeIndex, metricIndex);
          d.pos += n;
        } else if (tag >>> 3 == DATA_POINTS) {
          throw Wire.unusual();
        } else {
          skipValidated(d, tag, dataField == METRIC_GAUGE ? GAUGE : SUM, 5);
        }
      }
    }

    private void point(Item template, String name, int offset, int length, int scopeIndex, int metricIndex)
        throws InvalidProtocolBufferException {
      Item item = template.copy();
      int first = source.originals.size;
      long time = 0;
      Reader r = new Reader(b, offset, offset + length);
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        if (field == POINT_TIME) {
          expect(tag & 7, Wire.FIXED64);
          time = r.fixed64();
        } else if (field == POINT_ATTRIBUTES) {
          expect(tag & 7, Wire.LEN);
          int n = r.length();
          keyValue(item.attributes(), r.pos, n, 6);
          r.pos += n;
        } else {
          skipValidated(r, tag, NUMBER_DATA_POINT, 6);
        }
      }
      item.name(name).timeUnixNano(time);
      source.ids(items.size(), null, null, null);
      source.metricOf(items.size(), metricIndex);
      source.record(items.size(), offset, length, scopeIndex, first, source.originals.size - first);
      items.add(item);
    }

    private String checkIds(int traceAt, int traceLength, int spanAt, int spanLength, boolean required) {
      if (required && traceLength == 0) {
        return "trace id missing";
      }
      if (required && spanLength == 0) {
        return "span id missing";
      }
      if (traceLength != 0 && (traceLength != 16 || allZero(traceAt, traceLength))) {
        return "trace id is not 16 bytes, not all zero";
      }
      if (spanLength != 0 && (spanLength != 8 || allZero(spanAt, spanLength))) {
        return "span id is not 8 bytes, not all zero";
      }
      return null;
    }

    private boolean allZero(int at, int length) {
      for (int i = at; i < at + length; i++) {
        if (b[i] != 0) {
          return false;
        }
      }
      return true;
    }

    private void reject(String problem) {
      if (rejected++ == 0) {
        why.append(problem);
      } else if (rejected == 2) {
        why.append(" (and more)");
      }
    }
  }

  private static void expect(int type, int wanted) {
    if (type != wanted) {
      throw Wire.unusual(); // a known field of another wire type: protobuf keeps it as unknown
    }
  }

  private static void expectLen(int tag) {
    expect(tag & 7, Wire.LEN);
  }

  // ================================================================ out

  /**
   * The enriched request of a fast-path envelope, written from its bytes; with the lines the
   * recent-items view renders on demand and the dead letters.
   */
  static void rebuild(Envelope envelope, io.tributary.runtime.Batch batch, boolean lineageAttribute) {
    Source source = envelope.source;
    byte[] wire = source.wire;
    List<Item> items = envelope.items;
    int estimate = 0;
    for (int i = 0; i < items.size(); i++) {
      estimate += source.records[5 * i + 1] + 64;
    }
    Out records = new Out(estimate + estimate / 4);
    Map<Key, Map<Key, List<int[]>>> groups = new LinkedHashMap<>();
    Map<byte[], Key> keys = new java.util.IdentityHashMap<>();
    List<Envelope.Line> lines = new ArrayList<>(items.size());
    List<Envelope.DeadLetter> dead = new ArrayList<>();
    KeyValueWriter kvs = new KeyValueWriter(source);
    MetricWriter metricNames = new MetricWriter(source);
    int delivered = 0;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      int at = 5 * i;
      Part scope = source.scopes.get(source.records[at + 2]);
      Part resource = source.resources.get(scope.resource);
      byte[] resourceBytes = resource(resource, item, wire, kvs);
      byte[] scopeBytes = scope(scope, resource, item, wire, kvs);
      String lineage = batch.lineage(i);
      String lineageValue = lineageAttribute ? lineage : null;
      boolean metrics = envelope.signal == Signal.METRICS;
      if (metrics) {
        lineageValue = null; // a lineage attribute on metric points would split every series per revision
      }
      int nameIndex = metrics ? metricNames.index(item.name()) : -1;
      byte[] skeleton = metrics ? metricNames.skeleton(source, source.metricOf[i], nameIndex) : null;
      if (item.deadLetterReason() != null) {
        Out one = new Out(source.records[at + 1] + 64);
        write(envelope.signal, one, item, wire, source.records[at], source.records[at + 1], source.records[at + 3],
            source.records[at + 4], lineageValue, kvs, source.ids, 3 * i);
        com.fasterxml.jackson.databind.node.ObjectNode json = WireLine.render(envelope.signal, resourceBytes,
            resource.schemaUrl, scopeBytes, scope.writtenSchemaUrl, one.bytes(), 0, one.size(), skeleton);
        json.put("lineage", lineage);
        dead.add(new Envelope.DeadLetter(json, item.deadLetterReason()));
        continue;
      }
      int start = records.size();
      write(envelope.signal, records, item, wire, source.records[at], source.records[at + 1], source.records[at + 3],
          source.records[at + 4], lineageValue, kvs, source.ids, 3 * i);
      Key rk = keys.computeIfAbsent(resourceBytes, k -> new Key(k, resource.schemaUrl));
      Key sk = keys.computeIfAbsent(scopeBytes, k -> new Key(k, scope.writtenSchemaUrl));
      if (!sk.schemaUrl.equals(scope.writtenSchemaUrl)) {
        sk = new Key(scopeBytes, scope.writtenSchemaUrl); // the same scope bytes under another schema URL
      }
      groups.computeIfAbsent(rk, k -> new LinkedHashMap<>()).computeIfAbsent(sk, k -> new ArrayList<>())
          .add(metrics ? new int[] {start, records.size() - start, source.metricOf[i], nameIndex}
              : new int[] {start, records.size() - start});
      lines.add(new Envelope.Line(lineage, new WireLine(envelope.signal, resourceBytes, resource.schemaUrl, scopeBytes,
          scope.writtenSchemaUrl, records, start, records.size() - start, skeleton)));
      delivered++;
    }
    // Metrics passed through whole go after the items, under their resource and scope exactly as
    // they came (not enriched: duplicate keys and all).
    for (int[] p : source.passThrough) {
      Part scope = source.scopes.get(p[0]);
      Part resource = source.resources.get(scope.resource);
      Key rk = new Key(original(resource, wire), resource.schemaUrl);
      Key sk = new Key(original(scope, wire), scope.schemaUrl);
      groups.computeIfAbsent(rk, k -> new LinkedHashMap<>()).computeIfAbsent(sk, k -> new ArrayList<>())
          .add(new int[] {p[1], p[2], -1, -1});
      delivered++;
    }
    if (delivered == 0) {
      envelope.request = envelope.signal.newRequestBuilder().build();
    } else if (envelope.signal == Signal.METRICS) {
      Out metricsOut = new Out(records.size() + 256 * (source.metrics.size() + source.passThrough.size()) + 64);
      envelope.encoded = request(metricNames.assemble(groups, records, source, metricsOut), metricsOut);
    } else {
      envelope.encoded = request(groups, records);
    }
    envelope.lines = lines;
    envelope.deadLetters = dead;
    envelope.delivered = delivered;
  }

  /** A resource's or scope's bytes as they came (none when the request had none). */
  private static byte[] original(Part part, byte[] wire) {
    return part.offset < 0 ? new byte[0] : Arrays.copyOfRange(wire, part.offset, part.offset + part.length);
  }

  /** A resource's or scope's encoding with its schema URL, equal by content. */
  private static final class Key {
    final byte[] bytes;
    final String schemaUrl;
    private final int hash;

    Key(byte[] bytes, String schemaUrl) {
      this.bytes = bytes;
      this.schemaUrl = schemaUrl;
      this.hash = Arrays.hashCode(bytes) * 31 + schemaUrl.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && schemaUrl.equals(k.schemaUrl) && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** The resource's encoding for {@code item}: as it came, or rewritten with the item's attributes. */
  private static byte[] resource(Part resource, Item item, byte[] wire, KeyValueWriter kvs) {
    if (resource.written != null && resource.writtenFrom.equals(item.resource())) {
      return resource.written;
    }
    Out out = new Out(resource.length + 64);
    kvs.attributes(out, RESOURCE_ATTRIBUTES, item.resource(), resource.firstOriginal, resource.originals, null);
    copyOthers(out, wire, resource.offset, resource.length, RESOURCE_ATTRIBUTES, 0, 0);
    resource.written = out.bytes();
    resource.writtenFrom = item.resource();
    return resource.written;
  }

  /** The scope's encoding for {@code item}, and (in {@code scope.writtenSchemaUrl}) its schema URL. */
  private static byte[] scope(Part scope, Part resource, Item item, byte[] wire, KeyValueWriter kvs) {
    if (scope.written != null && scope.writtenFrom.equals(item.scope())
        && Objects.equals(scope.writtenName, item.scopeName()) && Objects.equals(scope.writtenVersion, item.scopeVersion())
        && Objects.equals(scope.writtenItemSchema, item.schemaUrl())) {
      return scope.written;
    }
    Out out = new Out(scope.length + 64);
    out.string(SCOPE_NAME, item.scopeName());
    out.string(SCOPE_VERSION, item.scopeVersion());
    kvs.attributes(out, SCOPE_ATTRIBUTES, item.scope(), scope.firstOriginal, scope.originals, null);
    copyOthers(out, wire, scope.offset, scope.length, SCOPE_NAME, SCOPE_VERSION, SCOPE_ATTRIBUTES);
    scope.written = out.bytes();
    scope.writtenFrom = item.scope();
    scope.writtenName = item.scopeName();
    scope.writtenVersion = item.scopeVersion();
    scope.writtenItemSchema = item.schemaUrl();
    String original = scope.schemaUrl.isEmpty() ? resource.schemaUrl : scope.schemaUrl;
    scope.writtenSchemaUrl = Objects.equals(emptyToNull(original), item.schemaUrl()) ? scope.schemaUrl
        : nullToEmpty(item.schemaUrl());
    return scope.written;
  }

  /** Copies the fields of the message at {@code [offset, offset + length)} other than the three given. */
  private static void copyOthers(Out out, byte[] wire, int offset, int length, int a, int b, int c) {
    if (offset < 0) {
      return;
    }
    Reader r = new Reader(wire, offset, offset + length);
    while (r.more()) {
      int start = r.pos;
      int tag = r.tag();
      int field = tag >>> 3;
      r.skip(tag);
      if (field != a && field != b && field != c) {
        out.raw(wire, start, r.pos - start);
      }
    }
  }

  /** Writes one enriched span, log record or data point: modelled fields from the item, the rest as it came. */
  private static void write(Signal signal, Out out, Item item, byte[] wire, int offset, int length,
      int firstOriginal, int originals, String lineage, KeyValueWriter kvs, String[] ids, int idAt) {
    // Where the original's fields are, other than the ones the item models; and its ids.
    int[] others = kvs.others;
    int count = 0;
    int[] idFields = kvs.idFields; // [start, end] of the trace, span and parent span id fields
    Arrays.fill(idFields, -1);
    boolean bodyChanged = false;
    int bodyStart = -1;
    int bodyEnd = -1;
    Reader r = new Reader(wire, offset, offset + length);
    boolean traces = signal == Signal.TRACES;
    while (r.more()) {
      int start = r.pos;
      int tag = r.tag();
      int field = tag >>> 3;
      r.skip(tag);
      if (signal == Signal.METRICS ? field == POINT_TIME || field == POINT_ATTRIBUTES
          : traces ? modelledSpanField(field) : modelledLogField(field)) {
        if (!traces && field == LOG_BODY) {
          bodyStart = start;
          bodyEnd = r.pos;
        }
        int id = traces ? (field == SPAN_TRACE_ID ? 0 : field == SPAN_SPAN_ID ? 1 : field == SPAN_PARENT_SPAN_ID ? 2 : -1)
            : (field == LOG_TRACE_ID ? 0 : field == LOG_SPAN_ID ? 1 : -1);
        if (id >= 0) {
          idFields[2 * id] = start; // the last one counts, as in protobuf
          idFields[2 * id + 1] = r.pos;
        }
        continue;
      }
      if (count + 3 > others.length) {
        others = kvs.others = Arrays.copyOf(others, others.length * 2);
      }
      others[count++] = field;
      others[count++] = start;
      others[count++] = r.pos - start;
    }
    if (signal == Signal.METRICS) {
      // NumberDataPoint: start time (2), time (3), value and exemplars (4-6), attributes (7), flags, unknown.
      copy(out, wire, others, count, 0, POINT_TIME);
      out.fixed64(POINT_TIME, item.timeUnixNano());
      copy(out, wire, others, count, POINT_TIME, POINT_ATTRIBUTES);
      kvs.attributes(out, POINT_ATTRIBUTES, item.attributes(), firstOriginal, originals, null);
      copy(out, wire, others, count, POINT_ATTRIBUTES, Integer.MAX_VALUE);
      return;
    }
    if (traces) {
      id(out, SPAN_TRACE_ID, item.traceId(), ids[idAt], wire, idFields, 0);
      id(out, SPAN_SPAN_ID, item.spanId(), ids[idAt + 1], wire, idFields, 1);
      out.string(SPAN_TRACE_STATE, item.traceState());
      id(out, SPAN_PARENT_SPAN_ID, item.parentSpanId(), ids[idAt + 2], wire, idFields, 2);
      out.string(SPAN_NAME, item.name());
      copy(out, wire, others, count, SPAN_NAME, SPAN_START_TIME); // kind
      out.fixed64(SPAN_START_TIME, item.timeUnixNano());
      out.fixed64(SPAN_END_TIME, item.endTimeUnixNano());
      kvs.attributes(out, SPAN_ATTRIBUTES, item.attributes(), firstOriginal, originals, lineage);
      copy(out, wire, others, count, SPAN_ATTRIBUTES, SPAN_FLAGS); // dropped counts, events, links, status
      out.fixed32(SPAN_FLAGS, (originalFlags(wire, others, count, SPAN_FLAGS) & ~0xff) | (item.traceFlags() & 0xff));
      copy(out, wire, others, count, SPAN_FLAGS, Integer.MAX_VALUE);
      return;
    }
    out.fixed64(LOG_TIME, item.timeUnixNano());
    out.int32(LOG_SEVERITY_NUMBER, item.severityNumber());
    out.string(LOG_SEVERITY_TEXT, item.severityText());
    copy(out, wire, others, count, LOG_SEVERITY_TEXT, LOG_BODY);
    String originalBody = bodyStart < 0 ? null : bodyText(wire, bodyStart, bodyEnd);
    if (Objects.equals(item.body(), originalBody)) {
      if (bodyStart >= 0) {
        out.raw(wire, bodyStart, bodyEnd - bodyStart);
      }
    } else {
      AnyValue original = AnyValue.getDefaultInstance();
      if (bodyStart >= 0) {
        Reader br = new Reader(wire, bodyStart, bodyEnd);
        br.tag();
        int n = br.length();
        original = parseAnyValue(wire, br.pos, n);
      }
      out.message(LOG_BODY, OtlpItems.body(item.body(), original));
    }
    kvs.attributes(out, LOG_ATTRIBUTES, item.attributes(), firstOriginal, originals, lineage);
    copy(out, wire, others, count, LOG_ATTRIBUTES, LOG_FLAGS); // dropped attributes count
    out.fixed32(LOG_FLAGS, (originalFlags(wire, others, count, LOG_FLAGS) & ~0xff) | (item.traceFlags() & 0xff));
    id(out, LOG_TRACE_ID, item.traceId(), ids[idAt], wire, idFields, 0);
    id(out, LOG_SPAN_ID, item.spanId(), ids[idAt + 1], wire, idFields, 1);
    out.fixed64(LOG_OBSERVED_TIME, item.observedTimeUnixNano());
    out.string(LOG_EVENT_NAME, item.name());
    copy(out, wire, others, count, LOG_EVENT_NAME, Integer.MAX_VALUE);
  }

  /** An id field: the original's bytes when the item still holds the String decoded from them. */
  private static void id(Out out, int number, String hex, String decoded, byte[] wire, int[] idFields, int which) {
    if (hex != null && hex == decoded && idFields[2 * which] >= 0) {
      out.raw(wire, idFields[2 * which], idFields[2 * which + 1] - idFields[2 * which]);
    } else {
      Wire.id(out, number, hex);
    }
  }

  private static boolean modelledSpanField(int field) {
    switch (field) {
      case SPAN_TRACE_ID: case SPAN_SPAN_ID: case SPAN_TRACE_STATE: case SPAN_PARENT_SPAN_ID: case SPAN_NAME:
      case SPAN_START_TIME: case SPAN_END_TIME: case SPAN_ATTRIBUTES:
        return true;
      default:
        return false;
    }
  }

  private static boolean modelledLogField(int field) {
    switch (field) {
      case LOG_TIME: case LOG_SEVERITY_NUMBER: case LOG_SEVERITY_TEXT: case LOG_BODY: case LOG_ATTRIBUTES:
      case LOG_TRACE_ID: case LOG_SPAN_ID: case LOG_OBSERVED_TIME: case LOG_EVENT_NAME:
        return true;
      default:
        return false;
    }
  }

  /** The original flags (the last flags field; fixed32), 0 when absent. Flags are copied no further. */
  private static int originalFlags(byte[] wire, int[] others, int count, int number) {
    int flags = 0;
    for (int k = 0; k < count; k += 3) {
      if (others[k] == number) {
        Reader r = new Reader(wire, others[k + 1], others[k + 1] + others[k + 2]);
        r.tag();
        flags = r.fixed32();
        others[k] = -1; // written from the item, not copied
      }
    }
    return flags;
  }

  /** Copies the recorded fields numbered above {@code after} and below {@code before}. */
  private static void copy(Out out, byte[] wire, int[] others, int count, int after, int before) {
    for (int k = 0; k < count; k += 3) {
      if (others[k] > after && others[k] < before) {
        out.raw(wire, others[k + 1], others[k + 2]);
      }
    }
  }

  private static String bodyText(byte[] wire, int fieldStart, int fieldEnd) {
    Reader r = new Reader(wire, fieldStart, fieldEnd);
    r.tag();
    int n = r.length();
    int at = r.pos;
    Reader v = new Reader(wire, at, at + n);
    if (v.more()) {
      int tag = v.tag();
      if (tag == (ANY_STRING << 3 | Wire.LEN)) {
        int len = v.length();
        if (v.pos + len == v.limit) {
          return Wire.utf8(wire, v.pos, len);
        }
      }
    }
    return AnyValues.bodyText(parseAnyValue(wire, at, n));
  }

  private static AnyValue parseAnyValue(byte[] wire, int at, int n) {
    try {
      return AnyValue.parseFrom(java.nio.ByteBuffer.wrap(wire, at, n));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a value the decoder accepted does not parse", e);
    }
  }

  /**
   * Metrics around the data points written for them: one Metric per original metric and item
   * name (as {@link OtlpItems} regroups them), each with the original's other fields.
   */
  private static final class MetricWriter {
    private final Source source;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> nameIndex = new java.util.HashMap<>();
    private final Map<Long, byte[]> skeletons = new java.util.HashMap<>();

    MetricWriter(Source source) {
      this.source = source;
    }

    int index(String name) {
      String n = nullToEmpty(name);
      Integer i = nameIndex.get(n);
      if (i == null) {
        i = names.size();
        names.add(n);
        nameIndex.put(n, i);
      }
      return i;
    }

    /** The metric without data points, named {@code names[name]}: what an item's JSON line shows. */
    byte[] skeleton(Source source, int metric, int name) {
      return skeletons.computeIfAbsent(((long) metric << 32) | name, k -> {
        Out out = new Out(source.metrics.get(metric)[1] + 32);
        write(out, metric, name, List.of(), null);
        return out.bytes();
      });
    }

    /**
     * The groups with every scope's list turned into metrics written to {@code out}: first the
     * metrics passed through, then one per (original metric, name) with its points.
     */
    Map<Key, Map<Key, List<int[]>>> assemble(Map<Key, Map<Key, List<int[]>>> groups, Out records, Source source,
        Out out) {
      Map<Key, Map<Key, List<int[]>>> assembled = new LinkedHashMap<>();
      groups.forEach((rk, scopes) -> {
        Map<Key, List<int[]>> scopesOut = new LinkedHashMap<>();
        assembled.put(rk, scopesOut);
        scopes.forEach((sk, entries) -> {
          List<int[]> metrics = new ArrayList<>();
          Map<Long, List<int[]>> byMetric = new LinkedHashMap<>();
          for (int[] e : entries) {
            if (e[2] < 0) {
              int start = out.size();
              out.raw(source.wire, e[0], e[1]);
              metrics.add(new int[] {start, e[1]});
            } else {
              byMetric.computeIfAbsent(((long) e[2] << 32) | e[3], k -> new ArrayList<>()).add(e);
            }
          }
          byMetric.forEach((key, points) -> {
            int start = out.size();
            write(out, (int) (key >>> 32), (int) (long) key, points, records);
            metrics.add(new int[] {start, out.size() - start});
          });
          scopesOut.put(sk, metrics);
        });
      });
      return assembled;
    }

    /** Writes metric {@code metric} named {@code names[name]} with {@code points} (ranges in records). */
    private void write(Out out, int metric, int name, List<int[]> points, Out records) {
      int[] m = source.metrics.get(metric);
      byte[] wire = source.wire;
      int offset = m[0];
      int end = m[0] + m[1];
      int dataField = m[2];
      // The data message: the points, then the Gauge's or Sum's other fields as they came.
      int dataSize = 0;
      for (int[] p : points) {
        dataSize += Wire.fieldSize(DATA_POINTS, p[1]);
      }
      Reader d = new Reader(wire, m[3], m[3] + m[4]);
      while (d.more()) {
        int start = d.pos;
        int tag = d.tag();
        d.skip(tag);
        if (tag >>> 3 != DATA_POINTS) {
          dataSize += d.pos - start;
        }
      }
      out.string(METRIC_NAME, names.get(name));
      Reader r = new Reader(wire, offset, end);
      while (r.more()) {
        int start = r.pos;
        int tag = r.tag();
        int field = tag >>> 3;
        r.skip(tag);
        if (field == METRIC_NAME) {
          continue;
        }
        if (field != dataField) {
          out.raw(wire, start, r.pos - start);
          continue;
        }
        out.header(dataField, dataSize);
        for (int[] p : points) {
          out.lengthDelimited(DATA_POINTS, records.buffer, p[0], p[1]);
        }
        d = new Reader(wire, m[3], m[3] + m[4]);
        while (d.more()) {
          int s = d.pos;
          int t = d.tag();
          d.skip(t);
          if (t >>> 3 != DATA_POINTS) {
            out.raw(wire, s, d.pos - s);
          }
        }
      }
    }
  }

  /** Writes attribute lists: unchanged key-values copied as they came, the rest encoded. */
  private static final class KeyValueWriter {
    private final Source source;
    int[] others = new int[24];
    final int[] idFields = new int[6];
    private String lineage;
    private byte[] lineageField;

    KeyValueWriter(Source source) {
      this.source = source;
    }

    /** The list as {@link OtlpItems} writes it, lineage (if any) last in place of any other. */
    void attributes(Out out, int number, Attributes attributes, int first, int count, String lineageValue) {
      Originals o = source.originals;
      byte[] wire = source.wire;
      int end = first + count;
      for (int i = 0; i < attributes.size(); i++) {
        String key = attributes.keyAt(i);
        if (lineageValue != null && key.equals(OtlpItems.LINEAGE_ATTRIBUTE)) {
          continue;
        }
        int j = first + i < end && o.keys[first + i].equals(key) ? first + i : -1;
        if (j < 0 || !o.same(attributes, i, j)) {
          j = o.lastWithKey(key, first, end);
        }
        if (j >= 0 && o.same(attributes, i, j)) {
          // The key-value as it came.
          copyField(out, number, wire, o.starts[j], o.lengths[j]);
        } else {
          fresh(out, number, key, attributes, i);
        }
      }
      if (lineageValue != null) {
        if (!lineageValue.equals(lineage)) {
          Out field = new Out(lineageValue.length() + 32);
          fresh(field, 1, OtlpItems.LINEAGE_ATTRIBUTE, lineageValue);
          Reader r = new Reader(field.buffer, 0, field.size());
          r.tag();
          int n = r.length();
          lineage = lineageValue;
          lineageField = Arrays.copyOfRange(field.buffer, r.pos, r.pos + n); // the key-value's payload
        }
        copyField(out, number, lineageField, 0, lineageField.length);
      }
    }

    /** Writes field {@code number} holding the payload at {@code [start, start + length)}. */
    private static void copyField(Out out, int number, byte[] from, int start, int length) {
      out.lengthDelimited(number, from, start, length);
    }

    private static void fresh(Out out, int number, String key, Attributes attributes, int i) {
      switch (attributes.typeAt(i)) {
        case STRING:
          fresh(out, number, key, attributes.stringAt(i));
          return;
        case BOOLEAN:
        case LONG: {
          byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          long v = attributes.typeAt(i) == Attributes.Type.LONG ? attributes.longAt(i) : attributes.booleanAt(i) ? 1 : 0;
          int valueSize = 1 + com.google.protobuf.CodedOutputStream.computeUInt64SizeNoTag(v);
          int size = (k.length == 0 ? 0 : Wire.fieldSize(KV_KEY, k.length)) + Wire.fieldSize(KV_VALUE, valueSize);
          out.header(number, size);
          if (k.length != 0) {
            out.lengthDelimited(KV_KEY, k, 0, k.length);
          }
          out.header(KV_VALUE, valueSize);
          out.tag(attributes.typeAt(i) == Attributes.Type.LONG ? ANY_INT : ANY_BOOL, Wire.VARINT);
          out.varint(v);
          return;
        }
        case DOUBLE: {
          byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          int size = (k.length == 0 ? 0 : Wire.fieldSize(KV_KEY, k.length)) + Wire.fieldSize(KV_VALUE, 9);
          out.header(number, size);
          if (k.length != 0) {
            out.lengthDelimited(KV_KEY, k, 0, k.length);
          }
          out.header(KV_VALUE, 9);
          out.tag(ANY_DOUBLE, Wire.FIXED64);
          out.littleEndian(Double.doubleToRawLongBits(attributes.doubleAt(i)), 8);
          return;
        }
        default:
          out.message(number, KeyValue.newBuilder().setKey(key).setValue(AnyValues.of(attributes.valueAt(i))).build());
      }
    }

    private static void fresh(Out out, int number, String key, String value) {
      byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] v = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int valueSize = Wire.fieldSize(ANY_STRING, v.length);
      int size = (k.length == 0 ? 0 : Wire.fieldSize(KV_KEY, k.length)) + Wire.fieldSize(KV_VALUE, valueSize);
      out.header(number, size);
      if (k.length != 0) {
        out.lengthDelimited(KV_KEY, k, 0, k.length);
      }
      out.header(KV_VALUE, valueSize);
      out.lengthDelimited(ANY_STRING, v, 0, v.length);
    }
  }

  /** The export request of {@code groups}, whose records were written to {@code records}. */
  private static byte[] request(Map<Key, Map<Key, List<int[]>>> groups, Out records) {
    int total = 0;
    List<int[]> scopeSizes = new ArrayList<>(groups.size());
    int[] resourceSizes = new int[groups.size()];
    int r = 0;
    for (Map.Entry<Key, Map<Key, List<int[]>>> resource : groups.entrySet()) {
      int[] sizes = new int[resource.getValue().size()];
      int size = Wire.fieldSize(RESOURCE_GROUP_RESOURCE, resource.getKey().bytes.length);
      int k = 0;
      for (Map.Entry<Key, List<int[]>> scope : resource.getValue().entrySet()) {
        int s = Wire.fieldSize(SCOPE_GROUP_SCOPE, scope.getKey().bytes.length);
        for (int[] rec : scope.getValue()) {
          s += Wire.fieldSize(SCOPE_GROUP_RECORDS, rec[1]);
        }
        s += stringSize(SCOPE_GROUP_SCHEMA_URL, scope.getKey().schemaUrl);
        sizes[k++] = s;
        size += Wire.fieldSize(RESOURCE_GROUP_SCOPES, s);
      }
      size += stringSize(RESOURCE_GROUP_SCHEMA_URL, resource.getKey().schemaUrl);
      resourceSizes[r++] = size;
      scopeSizes.add(sizes);
      total += Wire.fieldSize(REQUEST_RESOURCES, size);
    }
    Out out = new Out(total);
    r = 0;
    for (Map.Entry<Key, Map<Key, List<int[]>>> resource : groups.entrySet()) {
      out.header(REQUEST_RESOURCES, resourceSizes[r]);
      byte[] rb = resource.getKey().bytes;
      out.lengthDelimited(RESOURCE_GROUP_RESOURCE, rb, 0, rb.length);
      int k = 0;
      for (Map.Entry<Key, List<int[]>> scope : resource.getValue().entrySet()) {
        out.header(RESOURCE_GROUP_SCOPES, scopeSizes.get(r)[k++]);
        byte[] sb = scope.getKey().bytes;
        out.lengthDelimited(SCOPE_GROUP_SCOPE, sb, 0, sb.length);
        for (int[] rec : scope.getValue()) {
          out.lengthDelimited(SCOPE_GROUP_RECORDS, records.buffer, rec[0], rec[1]);
        }
        out.string(SCOPE_GROUP_SCHEMA_URL, scope.getKey().schemaUrl);
      }
      out.string(RESOURCE_GROUP_SCHEMA_URL, resource.getKey().schemaUrl);
      r++;
    }
    if (out.size() != total) {
      throw new IllegalStateException("wrote " + out.size() + " bytes of a " + total + "-byte request");
    }
    return out.bytes();
  }

  private static int stringSize(int number, String s) {
    return s.isEmpty() ? 0 : Wire.fieldSize(number, s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
