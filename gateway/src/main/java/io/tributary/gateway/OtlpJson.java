package io.tributary.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OTLP/JSON, read and written from the message descriptors: field names in lowerCamelCase (the
 * original snake_case names are accepted too), enums as integers (names accepted), 64-bit integers
 * as decimal strings (numbers accepted), and — unlike the generic protobuf JSON mapping — trace and
 * span ids as hex strings. Unknown fields are ignored, as the OTLP specification asks.
 *
 * <p>Reading is as strict as protobuf's own decoding, so a request means the same whichever
 * encoding it came in: a string must be valid Unicode (protobuf refuses invalid UTF-8; here an
 * unpaired UTF-16 surrogate such as the escape of U+D800 alone is refused), an integer must fit its field
 * (an int32 field does not silently wrap {@code 4294967296} to 0), messages nest at most {@value
 * #MAX_DEPTH} deep below the request (protobuf-java's recursion limit), and an object must not name
 * a key twice.
 *
 * <p>Thread-safe.
 */
public final class OtlpJson {

  /**
   * How deep messages may nest below the request: protobuf-java's default recursion limit, so both
   * encodings accept the same requests.
   */
  static final int MAX_DEPTH = 100;

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The bytes fields OTLP/JSON writes as hex rather than base64. */
  private static final Set<String> HEX_FIELDS = Set.of("trace_id", "span_id", "parent_span_id");
  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private OtlpJson() {}

  /** Thrown for JSON that is not a valid OTLP/JSON message; the message names the path. */
  public static final class FormatException extends Exception {
    FormatException(String message) {
      super(message);
    }
  }

  /** Parses an OTLP/JSON document into {@code builder}. */
  public static void merge(byte[] json, Message.Builder builder) throws FormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new FormatException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new FormatException("the body must be a JSON object");
    }
    merge(root, builder, "$");
  }

  /** Parses an OTLP/JSON object into {@code builder}. */
  public static void merge(JsonNode node, Message.Builder builder, String path) throws FormatException {
    merge(node, builder, path, 0);
  }

  private static void merge(JsonNode node, Message.Builder builder, String path, int depth)
      throws FormatException {
    if (!node.isObject()) {
      throw new FormatException(path + ": expected an object");
    }
    if (depth > MAX_DEPTH) {
      throw new FormatException(path + ": messages nested more than " + MAX_DEPTH
          + " deep (the limit protobuf applies too)");
    }
    Map<String, FieldDescriptor> fields = fields(builder.getDescriptorForType());
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      FieldDescriptor f = fields.get(e.getKey());
      JsonNode value = e.getValue();
      if (f == null || value.isNull()) {
        continue;
      }
      String at = path + "." + e.getKey();
      if (f.isRepeated()) {
        if (!value.isArray()) {
          throw new FormatException(at + ": expected an array");
        }
        for (int i = 0; i < value.size(); i++) {
          builder.addRepeatedField(f, value(f, value.get(i), builder, at + "[" + i + "]", depth));
        }
      } else {
        builder.setField(f, value(f, value, builder, at, depth));
      }
    }
  }

  private static Map<String, FieldDescriptor> fields(Descriptor d) {
    return FIELDS.computeIfAbsent(d, x -> {
      Map<String, FieldDescriptor> m = new HashMap<>();
      for (FieldDescriptor f : x.getFields()) {
        m.put(f.getName(), f);
        m.put(f.getJsonName(), f);
      }
      return m;
    });
  }

  private static Object value(FieldDescriptor f, JsonNode v, Message.Builder parent, String at, int depth)
      throws FormatException {
    switch (f.getJavaType()) {
      case MESSAGE: {
        Message.Builder sub = parent.newBuilderForField(f);
        merge(v, sub, at, depth + 1);
        return sub.build();
      }
      case INT: {
        long n = integral(f, v, at);
        boolean fits = unsigned32(f) ? n >= 0 && n <= 0xFFFF_FFFFL : n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE;
        if (!fits) {
          throw new FormatException(at + ": " + v + " is out of range for " + f.getType().name().toLowerCase()
              + " (" + (unsigned32(f) ? "0 to 4294967295" : "-2147483648 to 2147483647") + ")");
        }
        // An unsigned 32-bit value above 2^31 - 1 is held as the negative int of the same bits.
        return (int) n;
      }
      case LONG:
        return integral(f, v, at);
      case DOUBLE:
        return floating(v, at);
      case FLOAT:
        return (float) floating(v, at);
      case BOOLEAN:
        if (!v.isBoolean()) {
          throw new FormatException(at + ": expected true or false");
        }
        return v.booleanValue();
      case STRING:
        if (!v.isTextual()) {
          throw new FormatException(at + ": expected a string");
        }
        return validUnicode(v.textValue(), at);
      case BYTE_STRING:
        if (!v.isTextual()) {
          throw new FormatException(at + ": expected a string");
        }
        return HEX_FIELDS.contains(f.getName()) ? hex(v.textValue(), at) : base64(v.textValue(), at);
      case ENUM: {
        EnumValueDescriptor e = v.isTextual() ? f.getEnumType().findValueByName(v.textValue())
            : v.canConvertToInt() ? f.getEnumType().findValueByNumberCreatingIfUnknown(v.intValue()) : null;
        if (e == null) {
          throw new FormatException(at + ": '" + v + "' is not a " + f.getEnumType().getName());
        }
        return e;
      }
      default:
        throw new AssertionError(f.getJavaType());
    }
  }

  /**
   * {@code text} if it is valid UTF-16 (every surrogate paired); JSON's {@code \\u} escapes can
   * spell an unpaired one, which no UTF-8 encoding — protobuf's, a file's — can carry.
   */
  static String validUnicode(String text, String at) throws FormatException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new FormatException(String.format("%s: an unpaired UTF-16 surrogate (\\u%04x) at character %d;"
            + " OTLP strings must be valid Unicode", at, (int) c, i));
      }
    }
    return text;
  }

  private static long integral(FieldDescriptor f, JsonNode v, String at) throws FormatException {
    boolean unsigned = unsigned32(f) || unsigned64(f);
    try {
      if (v.isTextual()) {
        return unsigned ? Long.parseUnsignedLong(v.textValue()) : Long.parseLong(v.textValue());
      }
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        if (unsigned && v.longValue() < 0) {
          throw new FormatException(at + ": " + v + " is negative, but " + f.getType().name().toLowerCase()
              + " is unsigned");
        }
        return v.longValue();
      }
      if (v.isIntegralNumber() && unsigned) {
        return Long.parseUnsignedLong(v.bigIntegerValue().toString());
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new FormatException(at + ": '" + v + "' is not an integer");
  }

  private static double floating(JsonNode v, String at) throws FormatException {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      switch (v.textValue()) {
        case "NaN": return Double.NaN;
        case "Infinity": return Double.POSITIVE_INFINITY;
        case "-Infinity": return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(v.textValue());
          } catch (NumberFormatException e) {
            // reported below
          }
      }
    }
    throw new FormatException(at + ": '" + v + "' is not a number");
  }

  /** Decodes lowercase or uppercase hex; the empty string is the empty (absent) id. */
  static ByteString hex(String text, String at) throws FormatException {
    if ((text.length() & 1) != 0) {
      throw new FormatException(at + ": '" + text + "' is not hex (odd length)");
    }
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(text.charAt(2 * i), 16);
      int lo = Character.digit(text.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new FormatException(at + ": '" + text + "' is not hex");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return ByteString.copyFrom(out);
  }

  /** Lowercase hex of {@code bytes}; null for none. */
  static String hex(ByteString bytes) {
    if (bytes.isEmpty()) {
      return null;
    }
    char[] out = new char[bytes.size() * 2];
    for (int i = 0; i < bytes.size(); i++) {
      int b = bytes.byteAt(i) & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out);
  }

  private static ByteString base64(String text, String at) throws FormatException {
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      try {
        return ByteString.copyFrom(Base64.getUrlDecoder().decode(text));
      } catch (IllegalArgumentException e2) {
        throw new FormatException(at + ": not base64");
      }
    }
  }

  // ---------------------------------------------------------------- writing

  /** {@code message} as OTLP/JSON: set fields only, hex ids, enums as numbers, int64 as strings. */
  public static ObjectNode toJson(Message message) {
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.isRepeated()) {
        ArrayNode array = out.putArray(f.getJsonName());
        for (Object element : (List<?>) e.getValue()) {
          array.add(write(f, element));
        }
      } else {
        out.set(f.getJsonName(), write(f, e.getValue()));
      }
    }
    return out;
  }

  /** {@code message} as one line of OTLP/JSON text. */
  public static String toJsonText(Message message) {
    try {
      return MAPPER.writeValueAsString(toJson(message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode write(FieldDescriptor f, Object v) {
    switch (f.getJavaType()) {
      case MESSAGE: return toJson((Message) v);
      case INT: return NODES.numberNode(unsigned32(f) ? Integer.toUnsignedLong((Integer) v) : (long) (Integer) v);
      case LONG: return NODES.textNode(unsigned64(f) ? Long.toUnsignedString((Long) v) : Long.toString((Long) v));
      case DOUBLE: return number((Double) v);
      case FLOAT: return number(((Float) v).doubleValue());
      case BOOLEAN: return NODES.booleanNode((Boolean) v);
      case STRING: return NODES.textNode((String) v);
      case BYTE_STRING: {
        ByteString b = (ByteString) v;
        return NODES.textNode(HEX_FIELDS.contains(f.getName()) ? java.util.Objects.toString(hex(b), "")
            : Base64.getEncoder().encodeToString(b.toByteArray()));
      }
      case ENUM: return NODES.numberNode(((EnumValueDescriptor) v).getNumber());
      default: throw new AssertionError(f.getJavaType());
    }
  }

  private static JsonNode number(double d) {
    if (Double.isNaN(d)) {
      return NODES.textNode("NaN");
    }
    if (Double.isInfinite(d)) {
      return NODES.textNode(d > 0 ? "Infinity" : "-Infinity");
    }
    return NODES.numberNode(d);
  }

  private static boolean unsigned32(FieldDescriptor f) {
    return f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32;
  }

  private static boolean unsigned64(FieldDescriptor f) {
    return f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64;
  }
}
