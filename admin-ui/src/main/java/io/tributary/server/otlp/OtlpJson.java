package io.tributary.server.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * <p>Thread-safe.
 */
public final class OtlpJson {

  static final ObjectMapper MAPPER = new ObjectMapper();
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
    if (!node.isObject()) {
      throw new FormatException(path + ": expected an object");
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
          builder.addRepeatedField(f, value(f, value.get(i), builder, at + "[" + i + "]"));
        }
      } else {
        builder.setField(f, value(f, value, builder, at));
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

  private static Object value(FieldDescriptor f, JsonNode v, Message.Builder parent, String at)
      throws FormatException {
    switch (f.getJavaType()) {
      case MESSAGE: {
        Message.Builder sub = parent.newBuilderForField(f);
        merge(v, sub, at);
        return sub.build();
      }
      case INT:
        return (int) integral(f, v, at);
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
        return v.textValue();
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

  private static long integral(FieldDescriptor f, JsonNode v, String at) throws FormatException {
    boolean unsigned = f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64
        || f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32;
    try {
      if (v.isTextual()) {
        return unsigned ? Long.parseUnsignedLong(v.textValue()) : Long.parseLong(v.textValue());
      }
      if (v.isIntegralNumber() && v.canConvertToLong()) {
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
