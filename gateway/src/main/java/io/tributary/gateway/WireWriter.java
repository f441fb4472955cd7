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
 * The fast path out: the enriched request of an envelope {@link WireDecoder} read, written from
 * the request's own bytes ({@link WireSource}) — a span's, log record's or data point's
 * unmodelled fields (kind, status, events, links, exemplars, dropped counts, unknown fields),
 * unchanged attributes, ids, resources and scopes copied as they came, only what enrichment
 * changed encoded. Gauge and sum points are regrouped per metric and name; other metrics
 * (histograms, summaries) pass through as they came, as in {@link OtlpItems}.
 *
 * <p>What comes out parses to the message the reference path builds, item for item, group for
 * group; {@code WireEquivalenceTest} holds the two against each other on seeded random requests.
 */
final class WireWriter {

  private WireWriter() {}

  /**
   * The enriched request of a fast-path envelope, written from its bytes; with the lines the
   * recent-items view renders on demand and the dead letters.
   */
  static void rebuild(Envelope envelope, io.tributary.runtime.Batch batch, boolean lineageAttribute) {
    WireSource source = envelope.source;
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
            source.records[at + 4], lineageValue, kvs, source.decoded, WireSource.DECODED * i);
        com.fasterxml.jackson.databind.node.ObjectNode json = WireLine.render(envelope.signal, resourceBytes,
            resource.schemaUrl, scopeBytes, scope.writtenSchemaUrl, one.bytes(), 0, one.size(), skeleton);
        json.put("lineage", lineage);
        dead.add(new Envelope.DeadLetter(json, item.deadLetterReason()));
        continue;
      }
      int start = records.size();
      write(envelope.signal, records, item, wire, source.records[at], source.records[at + 1], source.records[at + 3],
          source.records[at + 4], lineageValue, kvs, source.decoded, WireSource.DECODED * i);
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
    scope.writtenSchemaUrl = Objects.equals(OtlpItems.emptyToNull(original), item.schemaUrl()) ? scope.schemaUrl
        : OtlpItems.nullToEmpty(item.schemaUrl());
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
      int firstOriginal, int originals, String lineage, KeyValueWriter kvs, String[] decoded, int at) {
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
      id(out, SPAN_TRACE_ID, item.traceId(), decoded[at], wire, idFields, 0);
      id(out, SPAN_SPAN_ID, item.spanId(), decoded[at + 1], wire, idFields, 1);
      out.string(SPAN_TRACE_STATE, item.traceState());
      id(out, SPAN_PARENT_SPAN_ID, item.parentSpanId(), decoded[at + 2], wire, idFields, 2);
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
    if (Objects.equals(item.body(), decoded[at + 3])) { // the body's text as the decoder read it
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
    id(out, LOG_TRACE_ID, item.traceId(), decoded[at], wire, idFields, 0);
    id(out, LOG_SPAN_ID, item.spanId(), decoded[at + 1], wire, idFields, 1);
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
    private final WireSource source;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> nameIndex = new java.util.HashMap<>();
    private final Map<Long, byte[]> skeletons = new java.util.HashMap<>();

    MetricWriter(WireSource source) {
      this.source = source;
    }

    int index(String name) {
      String n = OtlpItems.nullToEmpty(name);
      Integer i = nameIndex.get(n);
      if (i == null) {
        i = names.size();
        names.add(n);
        nameIndex.put(n, i);
      }
      return i;
    }

    /** The metric without data points, named {@code names[name]}: what an item's JSON line shows. */
    byte[] skeleton(WireSource source, int metric, int name) {
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
    Map<Key, Map<Key, List<int[]>>> assemble(Map<Key, Map<Key, List<int[]>>> groups, Out records, WireSource source,
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
    private final WireSource source;
    int[] others = new int[24];
    final int[] idFields = new int[6];
    private String lineage;
    private byte[] lineageField;

    KeyValueWriter(WireSource source) {
      this.source = source;
    }

    /** The list as {@link OtlpItems} writes it, lineage (if any) last in place of any other. */
    void attributes(Out out, int number, Attributes attributes, int first, int count, String lineageValue) {
      Originals o = source.originals;
      byte[] wire = source.wire;
      int end = first + count;
      // Unchanged key-values that lie one after the other in the request are copied as one run,
      // tags included (they are fields of a list with this very number).
      int runStart = -1;
      int runEnd = -1;
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
          if (o.fieldStarts[j] != runEnd) {
            if (runStart >= 0) {
              out.raw(wire, runStart, runEnd - runStart);
            }
            runStart = o.fieldStarts[j];
          }
          runEnd = o.starts[j] + o.lengths[j];
        } else {
          if (runStart >= 0) {
            out.raw(wire, runStart, runEnd - runStart);
            runStart = -1;
            runEnd = -1;
          }
          fresh(out, number, key, attributes, i);
        }
      }
      if (runStart >= 0) {
        out.raw(wire, runStart, runEnd - runStart);
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
}
