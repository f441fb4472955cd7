package io.tributary.gateway;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The protobuf wire format, read and written by hand where the gateway's fast path needs it:
 * a reader that refuses whatever protobuf-java would refuse (or might read differently), a
 * growable writer, and a validator driven by the generated messages' descriptors.
 *
 * <p>The reader is strict in one direction only: anything it does not accept — malformed bytes,
 * but also legal oddities it does not handle, such as groups — throws {@link Unusual}, and the
 * caller hands the request to protobuf-java, which decides. So a request the fast path accepts is
 * one protobuf-java accepts too, and reads the same.
 */
final class Wire {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  /**
   * How deep the fast path follows nested messages before it leaves the request to protobuf-java
   * (whose limit, 100, counts from the request's root).
   */
  static final int MAX_DEPTH = 64;

  private Wire() {}

  /** Thrown when the bytes are not what the fast path handles; carries no stack trace. */
  static final class Unusual extends RuntimeException {
    static final Unusual INSTANCE = new Unusual();

    private Unusual() {
      super("not for the fast path", null, false, false);
    }
  }

  static Unusual unusual() {
    return Unusual.INSTANCE;
  }

  // ---------------------------------------------------------------- reading

  /** Wire types 0, 1, 2 and 5 as bits. */
  private static final int USUAL_WIRE_TYPES = 1 << VARINT | 1 << FIXED64 | 1 << LEN | 1 << FIXED32;

  /** Reads fields from {@code [pos, limit)} of a byte array. */
  static final class Reader {
    final byte[] b;
    int pos;
    final int limit;

    Reader(byte[] b, int pos, int limit) {
      this.b = b;
      this.pos = pos;
      this.limit = limit;
    }

    boolean more() {
      return pos < limit;
    }

    /** Where the last tag read began: the start of the field it opened. */
    int tagStart;

    /** The next tag; unusual for field 0, wire types 3, 4, 6, 7 and tags over five bytes. */
    int tag() {
      tagStart = pos;
      if (pos < limit) {
        int t = b[pos];
        if (t > 7 && ((1 << (t & 7)) & USUAL_WIRE_TYPES) != 0) {
          pos++;
          return t; // a one-byte tag (fields 1 to 15) of a usual wire type
        }
      }
      int start = pos;
      long tag = varint();
      if (pos - start > 5 || tag > 0xFFFFFFFFL) {
        throw unusual();
      }
      int t = (int) tag;
      int type = t & 7;
      if (t >>> 3 == 0 || (type != VARINT && type != FIXED64 && type != LEN && type != FIXED32)) {
        throw unusual();
      }
      return t;
    }

    long varint() {
      if (pos < limit && b[pos] >= 0) {
        return b[pos++]; // one byte: tags, lengths under 128, small numbers
      }
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= limit) {
          throw unusual();
        }
        byte x = b[pos++];
        value |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return value;
        }
      }
      throw unusual();
    }

    long fixed64() {
      if (limit - pos < 8) {
        throw unusual();
      }
      long v = 0;
      for (int i = 7; i >= 0; i--) {
        v = (v << 8) | (b[pos + i] & 0xFF);
      }
      pos += 8;
      return v;
    }

    int fixed32() {
      if (limit - pos < 4) {
        throw unusual();
      }
      int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
      pos += 4;
      return v;
    }

    /** The length of a length-delimited field, checked against what is left. */
    int length() {
      long n = varint();
      if (n < 0 || n > limit - pos) {
        throw unusual();
      }
      return (int) n;
    }

    /** Skips the value of a field whose tag was just read. */
    void skip(int tag) {
      switch (tag & 7) {
        case VARINT: varint(); break;
        case FIXED64: advance(8); break;
        case FIXED32: advance(4); break;
        default: {
          int n = length();
          pos += n;
        }
      }
    }

    private void advance(int n) {
      if (limit - pos < n) {
        throw unusual();
      }
      pos += n;
    }

    /** A string field's value: valid UTF-8, as protobuf-java requires of proto3 strings. */
    String string() {
      int n = length();
      String s = utf8(b, pos, n);
      pos += n;
      return s;
    }

    /**
     * A string field's value through {@code cache}: the text of a recurring short string (an
     * attribute key, a method, a route) is decoded, checked and hashed once, and every item then
     * holds the same String.
     */
    String string(Strings cache) {
      int n = length();
      String s = cache.get(b, pos, n);
      pos += n;
      return s;
    }
  }

  /**
   * Recently decoded short strings, shared by all threads: a fixed table of immutable entries
   * (a racing writer only replaces an entry, which readers see whole or not at all), so its
   * memory is bounded whatever the clients send, and a client sending only new strings costs a
   * hash and a miss per string, nothing more.
   */
  static final class Strings {
    private static final int MAX_LENGTH = 48;
    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * A cheap hash of a short byte string: its length, first and last eight bytes (a clash only
     * costs a comparison: entries are compared in full).
     */
    private static int hash(byte[] b, int offset, int length) {
      long h;
      if (length >= 8) {
        h = (long) LONGS.get(b, offset) * 0x9E3779B97F4A7C15L + (long) LONGS.get(b, offset + length - 8);
      } else {
        h = 0;
        for (int i = offset; i < offset + length; i++) {
          h = (h << 8) | (b[i] & 0xFF);
        }
      }
      h = (h ^ length) * 0xFF51AFD7ED558CCDL;
      return (int) (h ^ (h >>> 32));
    }

    private record Entry(byte[] bytes, String text, int hash) {}

    private final Entry[] table;
    private final int mask;

    Strings(int size) {
      table = new Entry[Integer.highestOneBit(size)];
      mask = table.length - 1;
    }

    String get(byte[] b, int offset, int length) {
      if (length > MAX_LENGTH) {
        return utf8(b, offset, length);
      }
      int h = hash(b, offset, length);
      int slot = (h ^ (h >>> 16)) & mask;
      Entry e = table[slot];
      if (e != null && e.hash == h && java.util.Arrays.equals(e.bytes, 0, e.bytes.length, b, offset, offset + length)) {
        return e.text;
      }
      String text = utf8(b, offset, length);
      text.hashCode(); // cached in the String: maps and attribute lookups reuse it
      table[slot] = new Entry(java.util.Arrays.copyOfRange(b, offset, offset + length), text, h);
      return text;
    }
  }

  /** The text of {@code [offset, offset + length)}, which must be valid UTF-8. */
  static String utf8(byte[] b, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (b[i] < 0) {
        checkUtf8(b, i, end);
        break;
      }
    }
    return new String(b, offset, length, StandardCharsets.UTF_8);
  }

  /** Checks well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing over U+10FFFF). */
  static void checkUtf8(byte[] b, int i, int end) {
    while (i < end) {
      int c = b[i++] & 0xFF;
      if (c < 0x80) {
        continue;
      }
      int more;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        more = 2;
        if (c == 0xE0) {
          lo = 0xA0;
        } else if (c == 0xED) {
          hi = 0x9F;
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        more = 3;
        if (c == 0xF0) {
          lo = 0x90;
        } else if (c == 0xF4) {
          hi = 0x8F;
        }
      } else {
        throw unusual();
      }
      if (end - i < more) {
        throw unusual();
      }
      int first = b[i] & 0xFF;
      if (first < lo || first > hi) {
        throw unusual();
      }
      for (int k = 1; k < more; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          throw unusual();
        }
      }
      i += more;
    }
  }

  // ---------------------------------------------------------------- validating what is only copied

  /**
   * What protobuf-java checks while parsing a message of one type, for the parts the fast path
   * copies without reading: structure, UTF-8 of string fields, depth. Built from the generated
   * descriptors, so it follows the OTLP version on the class path.
   */
  static final class Schema {
    private static final Map<Descriptor, Schema> ALL = new HashMap<>();

    /** Per field number: null (not a string or message), {@link #STRING}, or the message's schema. */
    private final Object[] fields;

    private static final Object STRING = new Object();

    private Schema(int maxField) {
      fields = new Object[maxField + 1];
    }

    static synchronized Schema of(Descriptor d) {
      Schema s = ALL.get(d);
      if (s == null) {
        int max = 0;
        for (FieldDescriptor f : d.getFields()) {
          max = Math.max(max, f.getNumber());
        }
        s = new Schema(max);
        ALL.put(d, s);
        for (FieldDescriptor f : d.getFields()) {
          if (f.getType() == FieldDescriptor.Type.STRING) {
            s.fields[f.getNumber()] = STRING;
          } else if (f.getType() == FieldDescriptor.Type.MESSAGE) {
            s.fields[f.getNumber()] = of(f.getMessageType());
          } else if (f.getType() == FieldDescriptor.Type.GROUP) {
            throw new IllegalStateException("groups are not expected in OTLP: " + f.getFullName());
          }
        }
      }
      return s;
    }

    /** Validates the length-delimited field {@code number} of a message of type {@code schema}. */
    static void validateField(Schema schema, int number, byte[] b, int offset, int length, int depth) {
      Object kind = number < schema.fields.length ? schema.fields[number] : null;
      if (kind == STRING) {
        checkUtf8(b, offset, offset + length);
      } else if (kind != null) {
        ((Schema) kind).validate(b, offset, length, depth + 1);
      }
    }

    /** Validates a message of this type in {@code [offset, offset + length)} at nesting {@code depth}. */
    void validate(byte[] b, int offset, int length, int depth) {
      if (depth > MAX_DEPTH) {
        throw unusual();
      }
      Reader r = new Reader(b, offset, offset + length);
      while (r.more()) {
        int tag = r.tag();
        int field = tag >>> 3;
        Object kind = field < fields.length ? fields[field] : null;
        if (kind == null || (tag & 7) != LEN) {
          r.skip(tag); // a scalar, an unknown field, or a known one of another wire type (unknown to protobuf too)
        } else {
          int n = r.length();
          if (kind == STRING) {
            checkUtf8(b, r.pos, r.pos + n);
          } else {
            ((Schema) kind).validate(b, r.pos, n, depth + 1);
          }
          r.pos += n;
        }
      }
    }
  }

  // ---------------------------------------------------------------- writing

  /** A growable output buffer. */
  static final class Out {
    byte[] buffer;
    int size;

    Out(int capacity) {
      buffer = new byte[Math.max(16, capacity)];
    }

    int size() {
      return size;
    }

    /** The bytes written: the whole array once it was sized exactly, else a copy. */
    byte[] bytes() {
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

    /** A proto3 string field: nothing when empty. */
    void string(int number, String s) {
      if (s != null && !s.isEmpty()) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        lengthDelimited(number, b, 0, b.length);
      }
    }

    /** A proto3 fixed64 field: nothing when 0. */
    void fixed64(int number, long value) {
      if (value != 0) {
        tag(number, FIXED64);
        littleEndian(value, 8);
      }
    }

    /** A proto3 fixed32 field: nothing when 0. */
    void fixed32(int number, int value) {
      if (value != 0) {
        tag(number, FIXED32);
        littleEndian(value, 4);
      }
    }

    /** A proto3 int32 or enum field: nothing when 0 (negative values take ten bytes, as in protobuf). */
    void int32(int number, int value) {
      if (value != 0) {
        tag(number, VARINT);
        varint(value);
      }
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

  /** The size of a length-delimited field of {@code length} bytes, tag included. */
  static int fieldSize(int number, int length) {
    return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
  }

  private static final byte[] HEX_VALUE = new byte[128];

  static {
    Arrays.fill(HEX_VALUE, (byte) -1);
    for (int i = 0; i < 10; i++) {
      HEX_VALUE['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX_VALUE['a' + i] = (byte) (10 + i);
      HEX_VALUE['A' + i] = (byte) (10 + i);
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Lowercase hex of {@code [offset, offset + length)}; null for none (as {@link OtlpJson#hex}). */
  static String hex(byte[] b, int offset, int length) {
    if (length == 0) {
      return null;
    }
    char[] out = new char[length * 2];
    for (int i = 0; i < length; i++) {
      int x = b[offset + i] & 0xff;
      out[2 * i] = HEX[x >>> 4];
      out[2 * i + 1] = HEX[x & 0xf];
    }
    return new String(out);
  }

  /**
   * Writes an id field from its hex text (as {@link OtlpItems#id}: nothing for none, the text's
   * UTF-8 bytes when it is not hex).
   */
  static void id(Out out, int number, String hex) {
    if (hex == null || hex.isEmpty()) {
      return;
    }
    int n = hex.length();
    if ((n & 1) == 0) {
      out.header(number, n / 2);
      out.ensure(n / 2);
      int start = out.size;
      boolean ok = true;
      for (int i = 0; i < n && ok; i += 2) {
        char hi = hex.charAt(i);
        char lo = hex.charAt(i + 1);
        int h = hi < 128 ? HEX_VALUE[hi] : -1;
        int l = lo < 128 ? HEX_VALUE[lo] : -1;
        ok = h >= 0 && l >= 0;
        out.buffer[out.size++] = (byte) (h << 4 | l);
      }
      if (ok) {
        return;
      }
      out.size = start; // not plain hex: take the general path, from the field's start
      out.size -= CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(n / 2);
    }
    com.google.protobuf.ByteString b = OtlpItems.id(hex);
    if (!b.isEmpty()) {
      out.header(number, b.size());
      out.ensure(b.size());
      b.copyTo(out.buffer, out.size);
      out.size += b.size();
    }
  }
}
