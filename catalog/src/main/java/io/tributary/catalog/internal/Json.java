package io.tributary.catalog.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;

/** JSON text for the catalog's TEXT columns: maps, lists and scalars only, never reflection on our types. */
public final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<Object>> LIST = new TypeReference<>() {};

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static Map<String, Object> readMap(String text) {
    try {
      return MAPPER.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not an object: " + e.getOriginalMessage(), e);
    }
  }

  public static List<Object> readList(String text) {
    try {
      return MAPPER.readValue(text, LIST);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not an array: " + e.getOriginalMessage(), e);
    }
  }

  public static Object read(String text) {
    try {
      return MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is invalid: " + e.getOriginalMessage(), e);
    }
  }
}
