package io.tributary.gateway;

import static io.tributary.gateway.WireFields.*;

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
import io.tributary.gateway.WireSource.Originals;
import io.tributary.gateway.WireSource.Part;
import io.tributary.gateway.Wire.Reader;
import io.tributary.gateway.Wire.Schema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fast path in: the items of a protobuf export request read straight from its bytes, with
 * where each came from ({@link WireSource}) for {@link WireWriter}.
 *
 * <p>Only what {@link Item} models is read; the rest is validated as protobuf-java would
 * ({@link Wire.Schema}) and left where it is. Anything unusual (malformed bytes, groups, a known
 * field with another wire type, a message field sent twice) makes {@link #decode} answer null,
 * and the request takes the reference path: protobuf-java and {@link OtlpItems}.
 */
final class WireDecoder {

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

  /**
   * What a decoded request is taken to hold on the heap, beyond its body: four times the body
   * (its strings, the originals, the output written from it) and this much per item (the item,
   * its attribute maps, its ids). A request of the smallest spans decodes to fifteen times its
   * body; one of spans as SDKs send them, to about four.
   */
  static final int BYTES_PER_ITEM = 512;
  static final int BYTES_PER_BODY_BYTE = 4;

  /** Where a request's decoded size is reserved as it grows (see {@link #BYTES_PER_ITEM}). */
  @FunctionalInterface
  interface Budget {
    /** Makes sure {@code bytes} are reserved in all, or throws (the request is then refused). */
    void cover(long bytes) throws java.io.IOException;

    Budget NONE = bytes -> { };
  }

  private WireDecoder() {}

  /** {@link #decode(Signal, byte[], Budget)} without a budget (benchmarks and tests). */
  static Envelope decode(Signal signal, byte[] wire) {
    try {
      return decode(signal, wire, Budget.NONE);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no budget, no refusal", e);
    }
  }

  /**
   * The items of a protobuf export request (spans, log records, gauge and sum data points), or
   * null when the request is not for the fast path (bytes that are unusual or malformed:
   * protobuf-java then decides). Every 256 items, and at the end, the request's estimated size
   * on the heap is reserved in {@code budget}, whose refusal ends the decoding.
   *
   * @throws java.io.IOException what {@code budget} threw
   */
  static Envelope decode(Signal signal, byte[] wire, Budget budget) throws java.io.IOException {
    try {
      return new Decoder(signal, wire, budget).run();
    } catch (Wire.Unusual | InvalidProtocolBufferException e) {
      return null;
    }
  }

  private static final class Decoder {
    private final Signal signal;
    private final byte[] b;
    private final WireSource source;
    private final List<Item> items = new ArrayList<>();
    private long rejected;
    private final StringBuilder why = new StringBuilder();
    private final Budget budget;

    Decoder(Signal signal, byte[] wire, Budget budget) {
      this.signal = signal;
      this.b = wire;
      this.source = new WireSource(wire);
      this.budget = budget;
    }

    /** Reserves the request's estimated size every 256 items (and, with {@code always}, now). */
    private void reserve(boolean always) throws java.io.IOException {
      if (always || (items.size() & 255) == 0) {
        budget.cover((1L + BYTES_PER_BODY_BYTE) * b.length + (long) BYTES_PER_ITEM * items.size());
      }
    }

    Envelope run() throws java.io.IOException {
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
      reserve(true);
      Envelope e = new Envelope(signal, items, source.passThrough.size(), rejected, why.toString());
      e.source = source;
      return e;
    }

    /** ResourceSpans / ResourceLogs: the resource and schema URL first, wherever they are. */
    private void resourceGroup(int offset, int length) throws java.io.IOException {
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
            keyValue(template, rr.tagStart, rr.pos, n, 2);
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
        throws java.io.IOException {
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
            keyValue(template.scope(), sr.tagStart, sr.pos, n, 2);
            sr.pos += n;
          } else if (field == SCOPE_NAME || field == SCOPE_VERSION || field == SCOPE_ATTRIBUTES) {
            throw Wire.unusual();
          } else {
            skipValidated(sr, tag, SCOPE, 2);
          }
        }
      }
      template.scopeName(OtlpItems.emptyToNull(name)).scopeVersion(OtlpItems.emptyToNull(version))
          .schemaUrl(OtlpItems.emptyToNull(schemaUrl.isEmpty() ? resourceSchemaUrl : schemaUrl));
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

    private void span(Item template, int offset, int length, int scopeIndex) throws java.io.IOException {
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
            keyValue(item.attributes(), r.tagStart, r.pos, n, 4);
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
        drop(first, "span '" + name + "': " + problem);
        return;
      }
      String traceId = Wire.hex(b, traceAt, traceLength);
      String spanId = Wire.hex(b, spanAt, spanLength);
      String parentSpanId = Wire.hex(b, parentAt, parentLength);
      item.name(name).traceId(traceId).spanId(spanId).parentSpanId(parentSpanId).traceFlags(flags & 0xff)
          .traceState(OtlpItems.emptyToNull(traceState)).timeUnixNano(start).endTimeUnixNano(end);
      add(item, offset, length, scopeIndex, first, traceId, spanId, parentSpanId, null);
    }

    private void logRecord(Item template, int offset, int length, int scopeIndex)
        throws java.io.IOException {
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
            keyValue(item.attributes(), r.tagStart, r.pos, n, 4);
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
        drop(first, "log record: " + problem);
        return;
      }
      String traceId = Wire.hex(b, traceAt, traceLength);
      String spanId = Wire.hex(b, spanAt, spanLength);
      item.name(OtlpItems.emptyToNull(eventName)).traceId(traceId).spanId(spanId).traceFlags(flags & 0xff).body(body)
          .severityNumber(severity).severityText(OtlpItems.emptyToNull(severityText)).timeUnixNano(time)
          .observedTimeUnixNano(observed);
      add(item, offset, length, scopeIndex, first, traceId, spanId, null, body);
    }

    /** A log body as {@link AnyValues#bodyText} reads it: a string as itself, others as JSON text. */
    private String body(int at, int length) throws java.io.IOException {
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
     * One KeyValue (its field from {@code fieldStart}, its payload at {@code at}) into {@code
     * target}, recorded among the originals. The common shape (a key, then one scalar) is read
     * here; anything else goes through protobuf-java and {@link AnyValues#put}.
     */
    private void keyValue(Attributes target, int fieldStart, int at, int length, int depth)
        throws java.io.IOException {
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
      int index = o.add(key, fieldStart, at, length);
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
    private void metric(Item template, int offset, int length, int scopeIndex) throws java.io.IOException {
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
        throws java.io.IOException {
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
          keyValue(item.attributes(), r.tagStart, r.pos, n, 6);
          r.pos += n;
        } else {
          skipValidated(r, tag, NUMBER_DATA_POINT, 6);
        }
      }
      item.name(name).timeUnixNano(time);
      source.metricOf(items.size(), metricIndex);
      add(item, offset, length, scopeIndex, first, null, null, null, null);
    }

    /**
     * Takes an item whose record is at {@code [offset, offset + length)} and whose attributes are
     * the originals from {@code first}; its ids and body are the Strings it was given.
     */
    private void add(Item item, int offset, int length, int scopeIndex, int first, String traceId, String spanId,
        String parentSpanId, String body) throws java.io.IOException {
      source.decoded(items.size(), traceId, spanId, parentSpanId, body);
      source.record(items.size(), offset, length, scopeIndex, first, source.originals.size - first);
      items.add(item);
      reserve(false);
    }

    /** Leaves out a record rejected for {@code problem}, and the originals recorded for it. */
    private void drop(int first, String problem) {
      source.originals.size = first;
      reject(problem);
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
}
