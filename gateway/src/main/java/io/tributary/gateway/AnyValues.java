package io.tributary.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.tributary.api.Attributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * OTLP attribute values to and from {@link Attributes}. Scalars and arrays of scalars map one to
 * one; a map ({@code kvlistValue}), a nested array or an empty value becomes its plain JSON text,
 * and comes back as the original value when a processor left that text unchanged.
 */
final class AnyValues {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AnyValues() {}

  static void putAll(Attributes target, List<KeyValue> keyValues) {
    for (KeyValue kv : keyValues) {
      put(target, kv.getKey(), kv.getValue());
    }
  }

  static void put(Attributes target, String key, AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: target.put(key, v.getStringValue()); break;
      case BOOL_VALUE: target.put(key, v.getBoolValue()); break;
      case INT_VALUE: target.put(key, v.getIntValue()); break;
      case DOUBLE_VALUE: target.put(key, v.getDoubleValue()); break;
      case BYTES_VALUE: target.putBytes(key, v.getBytesValue().toByteArray()); break;
      case ARRAY_VALUE: {
        List<Object> scalars = scalars(v.getArrayValue());
        if (scalars != null) {
          target.putArray(key, scalars);
        } else {
          target.put(key, jsonText(v));
        }
        break;
      }
      default: target.put(key, jsonText(v));
    }
  }

  /** The elements of a scalar array, or null if one is a map, an array, bytes or empty. */
  private static List<Object> scalars(ArrayValue array) {
    List<Object> out = new ArrayList<>(array.getValuesCount());
    for (AnyValue e : array.getValuesList()) {
      switch (e.getValueCase()) {
        case STRING_VALUE: out.add(e.getStringValue()); break;
        case BOOL_VALUE: out.add(e.getBoolValue()); break;
        case INT_VALUE: out.add(e.getIntValue()); break;
        case DOUBLE_VALUE: out.add(e.getDoubleValue()); break;
        default: return null;
      }
    }
    return out;
  }

  /** Whether {@link #put} turns {@code v} into JSON text. */
  static boolean isComplex(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: case BOOL_VALUE: case INT_VALUE: case DOUBLE_VALUE: case BYTES_VALUE:
        return false;
      case ARRAY_VALUE:
        return scalars(v.getArrayValue()) == null;
      default:
        return true;
    }
  }

  /**
   * {@code attributes} as OTLP key-values. An attribute that still holds what an original
   * key-value of the same key held (the one in its place, else the last with its key) is that
   * original key-value, unknown fields and all: a scalar, bytes or array of scalars of the same
   * type and value, or the JSON text of a complex value. Everything changed is written afresh.
   * {@link WireWriter} follows the same rule on the wire.
   */
  static List<KeyValue> keyValues(Attributes attributes, List<KeyValue> original) {
    Map<String, KeyValue> last = null;
    List<KeyValue> out = new ArrayList<>(attributes.size() + 1);
    for (int i = 0; i < attributes.size(); i++) {
      String key = attributes.keyAt(i);
      KeyValue kv = i < original.size() && original.get(i).getKey().equals(key) ? original.get(i) : null;
      if (kv == null || !same(attributes, i, kv.getValue())) {
        if (last == null) {
          last = new HashMap<>();
          for (KeyValue o : original) {
            last.put(o.getKey(), o);
          }
        }
        kv = last.get(key);
      }
      out.add(kv != null && same(attributes, i, kv.getValue()) ? kv
          : KeyValue.newBuilder().setKey(key).setValue(of(attributes.valueAt(i))).build());
    }
    return out;
  }

  /** True if attribute {@code i} holds what {@code v} held (see {@link #keyValues}). */
  private static boolean same(Attributes attributes, int i, AnyValue v) {
    switch (attributes.typeAt(i)) {
      case STRING:
        return v.hasStringValue() ? v.getStringValue().equals(attributes.stringAt(i))
            : isComplex(v) && jsonText(v).equals(attributes.stringAt(i));
      case LONG:
        return v.hasIntValue() && v.getIntValue() == attributes.longAt(i);
      case BOOLEAN:
        return v.hasBoolValue() && v.getBoolValue() == attributes.booleanAt(i);
      case DOUBLE:
        return v.hasDoubleValue()
            && Double.doubleToRawLongBits(v.getDoubleValue()) == Double.doubleToRawLongBits(attributes.doubleAt(i));
      case BYTES:
        return v.hasBytesValue() && java.util.Arrays.equals(v.getBytesValue().toByteArray(), (byte[]) attributes.valueAt(i));
      default: {
        List<Object> scalars = v.hasArrayValue() ? scalars(v.getArrayValue()) : null;
        return scalars != null && scalars.equals(attributes.valueAt(i));
      }
    }
  }

  static AnyValue of(Object v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (v instanceof String) {
      b.setStringValue((String) v);
    } else if (v instanceof Boolean) {
      b.setBoolValue((Boolean) v);
    } else if (v instanceof Long || v instanceof Integer) {
      b.setIntValue(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      b.setDoubleValue(((Number) v).doubleValue());
    } else if (v instanceof byte[]) {
      b.setBytesValue(ByteString.copyFrom((byte[]) v));
    } else if (v instanceof List) {
      ArrayValue.Builder array = ArrayValue.newBuilder();
      for (Object e : (List<?>) v) {
        array.addValues(of(e));
      }
      b.setArrayValue(array);
    } else if (v != null) {
      b.setStringValue(v.toString());
    }
    return b.build();
  }

  static KeyValue keyValue(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  // ---------------------------------------------------------------- plain JSON

  /** A log body or complex attribute as text: a string as itself, anything else as plain JSON. */
  static String bodyText(AnyValue v) {
    switch (v.getValueCase()) {
      case VALUE_NOT_SET: return null;
      case STRING_VALUE: return v.getStringValue();
      default: return jsonText(v);
    }
  }

  static String jsonText(AnyValue v) {
    try {
      return OtlpJson.MAPPER.writeValueAsString(plain(v));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode plain(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: return NODES.textNode(v.getStringValue());
      case BOOL_VALUE: return NODES.booleanNode(v.getBoolValue());
      case INT_VALUE: return NODES.numberNode(v.getIntValue());
      case DOUBLE_VALUE: return NODES.numberNode(v.getDoubleValue());
      case BYTES_VALUE: return NODES.textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE: {
        ArrayNode a = NODES.arrayNode();
        v.getArrayValue().getValuesList().forEach(e -> a.add(plain(e)));
        return a;
      }
      case KVLIST_VALUE: {
        ObjectNode o = NODES.objectNode();
        v.getKvlistValue().getValuesList().forEach(kv -> o.set(kv.getKey(), plain(kv.getValue())));
        return o;
      }
      default: return NODES.nullNode();
    }
  }

  /** Plain JSON text back to a value (objects become maps); null if it is not JSON. */
  static AnyValue fromJsonText(String text) {
    try {
      JsonNode node = OtlpJson.MAPPER.readTree(text);
      return node == null ? null : fromPlain(node);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static AnyValue fromPlain(JsonNode n) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (n.isTextual()) {
      b.setStringValue(n.textValue());
    } else if (n.isBoolean()) {
      b.setBoolValue(n.booleanValue());
    } else if (n.isIntegralNumber() && n.canConvertToLong()) {
      b.setIntValue(n.longValue());
    } else if (n.isNumber()) {
      b.setDoubleValue(n.doubleValue());
    } else if (n.isArray()) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      n.forEach(e -> a.addValues(fromPlain(e)));
      b.setArrayValue(a);
    } else if (n.isObject()) {
      KeyValueList.Builder kv = KeyValueList.newBuilder();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        kv.addValues(KeyValue.newBuilder().setKey(e.getKey()).setValue(fromPlain(e.getValue())));
      }
      b.setKvlistValue(kv);
    }
    return b.build();
  }
}
