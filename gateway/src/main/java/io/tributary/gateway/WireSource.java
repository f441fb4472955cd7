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
 * What {@link WireDecoder} learnt of a request and {@link WireWriter} writes from: the request's
 * bytes, its resources and scopes, where each item's record is, and each attribute as it came —
 * the fast path's counterpart of {@link Envelope.Origin}. Arrays per request, not objects per
 * span: the writer needs them once, then the envelope lets go of all of it.
 */
final class WireSource {

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
    /** Where each key-value's field (tag included) begins, and where its payload does. */
    int[] fieldStarts;
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
      fieldStarts = new int[n];
      starts = new int[n];
      lengths = new int[n];
    }

    int add(String key, int fieldStart, int start, int length) {
      if (size == keys.length) {
        int n = size * 2;
        keys = Arrays.copyOf(keys, n);
        types = Arrays.copyOf(types, n);
        prims = Arrays.copyOf(prims, n);
        refs = Arrays.copyOf(refs, n);
        fieldStarts = Arrays.copyOf(fieldStarts, n);
        starts = Arrays.copyOf(starts, n);
        lengths = Arrays.copyOf(lengths, n);
      }
      keys[size] = key;
      fieldStarts[size] = fieldStart;
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

  final byte[] wire;
  final List<Part> resources = new ArrayList<>();
  final List<Part> scopes = new ArrayList<>();
  final Originals originals;
  /** Per item: record offset, record length, scope index, first original, originals. */
  int[] records = new int[5 * 128];

  WireSource(byte[] wire) {
    this.wire = wire;
    this.originals = new Originals(wire.length);
  }

  /** Strings per item in {@link #decoded}. */
  static final int DECODED = 4;

  /**
   * Per item: its trace, span and parent span id and its body text as decoded. An item whose id
   * is still that very String gets the id's bytes copied instead of its hex decoded again, and a
   * body still equal to its text is copied without being decoded again.
   */
  String[] decoded = new String[DECODED * 128];

  void decoded(int item, String traceId, String spanId, String parentSpanId, String body) {
    int at = DECODED * item;
    if (at + DECODED > decoded.length) {
      decoded = Arrays.copyOf(decoded, decoded.length * 2);
    }
    decoded[at] = traceId;
    decoded[at + 1] = spanId;
    decoded[at + 2] = parentSpanId;
    decoded[at + 3] = body;
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
