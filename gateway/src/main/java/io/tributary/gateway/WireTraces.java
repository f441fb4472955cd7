package io.tributary.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.api.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Enriched spans written straight to the OTLP wire format from the request's own bytes.
 *
 * <p>Rebuilding a span through protobuf builders and encoding the request costs more than
 * enriching it: every string is measured and encoded again. Here a span's output is its original
 * bytes for everything {@link Item} does not model (kind, status, events, links, dropped counts,
 * unknown fields), the unchanged attributes' original bytes, and freshly encoded bytes only for
 * what enrichment changed. The result parses to the same message as the builder path ({@code
 * OtlpItemsTest} checks it).
 */
final class WireTraces {

  // Field numbers (opentelemetry/proto/trace/v1/trace.proto and collector/trace/v1).
  private static final int REQUEST_RESOURCE_SPANS = 1;
  private static final int RESOURCE_SPANS_RESOURCE = 1;
  private static final int RESOURCE_SPANS_SCOPE_SPANS = 2;
  private static final int RESOURCE_SPANS_SCHEMA_URL = 3;
  private static final int SCOPE_SPANS_SCOPE = 1;
  private static final int SCOPE_SPANS_SPANS = 2;
  private static final int SCOPE_SPANS_SCHEMA_URL = 3;
  private static final int TRACE_ID = 1;
  private static final int SPAN_ID = 2;
  private static final int TRACE_STATE = 3;
  private static final int PARENT_SPAN_ID = 4;
  private static final int NAME = 5;
  private static final int START_TIME = 7;
  private static final int END_TIME = 8;
  private static final int ATTRIBUTES = 9;
  private static final int FLAGS = 16;

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LEN = 2;
  private static final int FIXED32 = 5;

  private WireTraces() {}

  /**
   * The byte ranges of the spans of an encoded ExportTraceServiceRequest, in the order protobuf
   * parses them: {@code [offset0, length0, offset1, length1, …]}; null if the bytes do not have the
   * expected shape (the caller then takes the builder path).
   */
  static int[] spanRanges(byte[] request) {
    try {
      int[][] out = {new int[64]};
      int n = collect(new Cursor(request, 0, request.length), 0, out, 0);
      return Arrays.copyOf(out[0], n);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  /** request.resource_spans → resource_spans.scope_spans → scope_spans.spans. */
  private static final int[] SPAN_PATH = {REQUEST_RESOURCE_SPANS, RESOURCE_SPANS_SCOPE_SPANS, SCOPE_SPANS_SPANS};

  /** Appends the ranges of the spans below {@code c} (at {@code depth} of the path) to out[0] from n. */
  private static int collect(Cursor c, int depth, int[][] out, int n) {
    while (c.more()) {
      int tag = c.tag();
      if (tag >>> 3 != SPAN_PATH[depth] || (tag & 7) != LEN) {
        c.skip(tag);
      } else if (depth < SPAN_PATH.length - 1) {
        n = collect(c.message(), depth + 1, out, n);
      } else {
        int length = c.length();
        if (n + 2 > out[0].length) {
          out[0] = Arrays.copyOf(out[0], out[0].length * 2);
        }
        out[0][n++] = c.pos;
        out[0][n++] = length;
        c.pos += length;
      }
    }
    return n;
  }

  /**
   * Writes one enriched span: {@code item}'s modelled fields, the original's other fields as they
   * came, and {@code attributes} — copying the bytes of those that are the original's own messages.
   */
  static void writeSpan(Out out, Item item, Span original, byte[] wire, int offset, int length,
      List<KeyValue> attributes) {
    // Where the original's fields are: attributes, and the fields the item does not model.
    int[] attributeRanges = new int[Math.max(4, original.getAttributesCount() * 2)];
    int attributeCount = 0;
    int[] others = new int[24]; // [field, start, length]…
    int otherCount = 0;
    Cursor c = new Cursor(wire, offset, offset + length);
    while (c.more()) {
      int start = c.pos;
      int tag = c.tag();
      int field = tag >>> 3;
      c.skip(tag);
      switch (field) {
        case TRACE_ID: case SPAN_ID: case TRACE_STATE: case PARENT_SPAN_ID: case NAME:
        case START_TIME: case END_TIME: case FLAGS:
          break;
        case ATTRIBUTES:
          if (attributeCount + 2 > attributeRanges.length) {
            attributeRanges = Arrays.copyOf(attributeRanges, attributeRanges.length * 2);
          }
          attributeRanges[attributeCount++] = start;
          attributeRanges[attributeCount++] = c.pos - start;
          break;
        default:
          if (otherCount + 3 > others.length) {
            others = Arrays.copyOf(others, others.length * 2);
          }
          others[otherCount++] = field;
          others[otherCount++] = start;
          others[otherCount++] = c.pos - start;
      }
    }
    // Fields in number order, as protobuf writes them: a span enrichment left alone comes out
    // byte for byte as it came in.
    bytes(out, TRACE_ID, OtlpItems.id(item.traceId()));
    bytes(out, SPAN_ID, OtlpItems.id(item.spanId()));
    string(out, TRACE_STATE, item.traceState());
    bytes(out, PARENT_SPAN_ID, OtlpItems.id(item.parentSpanId()));
    string(out, NAME, item.name());
    copy(out, wire, others, otherCount, NAME, START_TIME); // kind
    fixed64(out, START_TIME, item.timeUnixNano());
    fixed64(out, END_TIME, item.endTimeUnixNano());
    for (int i = 0; i < attributes.size(); i++) {
      KeyValue kv = attributes.get(i);
      int j = originalIndex(kv, original, i);
      if (j >= 0 && 2 * j + 1 < attributeCount) {
        out.raw(wire, attributeRanges[2 * j], attributeRanges[2 * j + 1]);
      } else {
        out.message(ATTRIBUTES, kv);
      }
    }
    copy(out, wire, others, otherCount, ATTRIBUTES, FLAGS); // dropped counts, events, links, status
    int flags = (original.getFlags() & ~0xff) | (item.traceFlags() & 0xff);
    if (flags != 0) {
      out.tag(FLAGS, FIXED32);
      out.littleEndian(flags, 4);
    }
    copy(out, wire, others, otherCount, FLAGS, Integer.MAX_VALUE); // fields newer than this code
  }

  /** Copies the recorded fields numbered above {@code after} and below {@code before}. */
  private static void copy(Out out, byte[] wire, int[] others, int count, int after, int before) {
    for (int k = 0; k < count; k += 3) {
      if (others[k] > after && others[k] < before) {
        out.raw(wire, others[k + 1], others[k + 2]);
      }
    }
  }

  /** Where {@code kv} is, by identity, among the original's attributes; -1 if it is new. */
  private static int originalIndex(KeyValue kv, Span original, int guess) {
    List<KeyValue> list = original.getAttributesList();
    if (guess < list.size() && list.get(guess) == kv) {
      return guess;
    }
    for (int j = 0; j < list.size(); j++) {
      if (list.get(j) == kv) {
        return j;
      }
    }
    return -1;
  }

  /** The spans under one scope: the scope's encoding, its schema URL, each span's range in the span buffer. */
  record ScopeGroup(byte[] scope, String schemaUrl, List<int[]> spans) {}

  /** The scopes under one resource: the resource's encoding and schema URL. */
  record ResourceGroup(byte[] resource, String schemaUrl, List<ScopeGroup> scopes) {}

  /** The ExportTraceServiceRequest of {@code groups}, whose spans were written to {@code spans}. */
  static byte[] request(List<ResourceGroup> groups, Out spans) {
    // Sizes first (a length-delimited field needs its length before its bytes), each computed once.
    int total = 0;
    int[] resourceSizes = new int[groups.size()];
    List<int[]> scopeSizes = new ArrayList<>(groups.size());
    for (int r = 0; r < groups.size(); r++) {
      ResourceGroup resource = groups.get(r);
      int[] sizes = new int[resource.scopes().size()];
      int size = field(RESOURCE_SPANS_RESOURCE, resource.resource().length);
      for (int k = 0; k < sizes.length; k++) {
        sizes[k] = scopeSize(resource.scopes().get(k));
        size += field(RESOURCE_SPANS_SCOPE_SPANS, sizes[k]);
      }
      size += stringSize(RESOURCE_SPANS_SCHEMA_URL, resource.schemaUrl());
      resourceSizes[r] = size;
      scopeSizes.add(sizes);
      total += field(REQUEST_RESOURCE_SPANS, size);
    }
    Out out = new Out(total);
    for (int r = 0; r < groups.size(); r++) {
      ResourceGroup resource = groups.get(r);
      out.header(REQUEST_RESOURCE_SPANS, resourceSizes[r]);
      out.lengthDelimited(RESOURCE_SPANS_RESOURCE, resource.resource(), 0, resource.resource().length);
      for (int k = 0; k < resource.scopes().size(); k++) {
        ScopeGroup scope = resource.scopes().get(k);
        out.header(RESOURCE_SPANS_SCOPE_SPANS, scopeSizes.get(r)[k]);
        out.lengthDelimited(SCOPE_SPANS_SCOPE, scope.scope(), 0, scope.scope().length);
        for (int[] span : scope.spans()) {
          out.lengthDelimited(SCOPE_SPANS_SPANS, spans.buffer, span[0], span[1]);
        }
        string(out, SCOPE_SPANS_SCHEMA_URL, scope.schemaUrl());
      }
      string(out, RESOURCE_SPANS_SCHEMA_URL, resource.schemaUrl());
    }
    if (out.size() != total) {
      throw new IllegalStateException("wrote " + out.size() + " bytes of a " + total + "-byte request");
    }
    return out.buffer();
  }

  private static int scopeSize(ScopeGroup scope) {
    int size = field(SCOPE_SPANS_SCOPE, scope.scope().length);
    for (int[] span : scope.spans()) {
      size += field(SCOPE_SPANS_SPANS, span[1]);
    }
    return size + stringSize(SCOPE_SPANS_SCHEMA_URL, scope.schemaUrl());
  }

  /** The size of a length-delimited field of {@code length} bytes, tag included. */
  private static int field(int number, int length) {
    return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
  }

  private static int stringSize(int number, String s) {
    return s.isEmpty() ? 0 : field(number, s.getBytes(StandardCharsets.UTF_8).length);
  }

  private static void bytes(Out out, int number, ByteString b) {
    if (!b.isEmpty()) {
      out.header(number, b.size());
      out.ensure(b.size());
      b.copyTo(out.buffer, out.size);
      out.size += b.size();
    }
  }

  private static void string(Out out, int number, String s) {
    if (s != null && !s.isEmpty()) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.lengthDelimited(number, b, 0, b.length);
    }
  }

  private static void fixed64(Out out, int number, long value) {
    if (value != 0) {
      out.tag(number, FIXED64);
      out.littleEndian(value, 8);
    }
  }

  /** A growable output buffer. */
  static final class Out {
    private byte[] buffer;
    private int size;

    Out(int capacity) {
      buffer = new byte[Math.max(16, capacity)];
    }

    int size() {
      return size;
    }

    /** The bytes written: the whole array once it was sized exactly, else a copy. */
    byte[] buffer() {
      return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }

    void ensure(int more) {
      if (size + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
      }
    }

    void raw(byte[] from, int offset, int length) {
      ensure(length);
      System.arraycopy(from, offset, buffer, size, length);
      size += length;
    }

    void tag(int number, int wireType) {
      varint((number << 3) | wireType);
    }

    void varint(long value) {
      ensure(10);
      while ((value & ~0x7FL) != 0) {
        buffer[size++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      buffer[size++] = (byte) value;
    }

    /** A fixed32 or fixed64 value: its low {@code bytes} bytes, least significant first. */
    void littleEndian(long value, int bytes) {
      ensure(bytes);
      for (int i = 0; i < bytes; i++) {
        buffer[size++] = (byte) (value >>> (8 * i));
      }
    }

    /** The tag and length of a length-delimited field whose {@code length} bytes follow. */
    void header(int number, int length) {
      tag(number, LEN);
      varint(length);
    }

    void lengthDelimited(int number, byte[] from, int offset, int length) {
      header(number, length);
      raw(from, offset, length);
    }

    void message(int number, Message m) {
      int length = m.getSerializedSize();
      header(number, length);
      ensure(length);
      try {
        CodedOutputStream cos = CodedOutputStream.newInstance(buffer, size, length);
        m.writeTo(cos);
        cos.checkNoSpaceLeft();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      size += length;
    }
  }

  /** Reads fields from a range of bytes already known to parse. */
  private static final class Cursor {
    private final byte[] b;
    private int pos;
    private final int limit;

    Cursor(byte[] b, int pos, int limit) {
      this.b = b;
      this.pos = pos;
      this.limit = limit;
    }

    boolean more() {
      return pos < limit;
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= limit) {
          throw new IllegalStateException("truncated varint");
        }
        byte x = b[pos++];
        value |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return value;
        }
      }
      throw new IllegalStateException("malformed varint");
    }

    int length() {
      long n = varint();
      if (n < 0 || n > limit - pos) {
        throw new IllegalStateException("length out of range");
      }
      return (int) n;
    }

    Cursor message() {
      int n = length();
      Cursor inner = new Cursor(b, pos, pos + n);
      pos += n;
      return inner;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case VARINT: varint(); break;
        case FIXED64: pos += 8; break;
        case LEN: {
          int n = length(); // not "pos += length()": that adds to pos as it was before the length's varint
          pos += n;
          break;
        }
        case FIXED32: pos += 4; break;
        default: throw new IllegalStateException("wire type " + (tag & 7));
      }
      if (pos > limit) {
        throw new IllegalStateException("field past the end");
      }
    }
  }
}
