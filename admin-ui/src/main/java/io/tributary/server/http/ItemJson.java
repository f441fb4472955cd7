package io.tributary.server.http;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads items from JSON in the shape {@link io.tributary.catalog.DescriptorJson#item} writes:
 * {@code {"kind": "log", "body": "…", "traceId": "…", "attributes": {…}, "resource": {…}}}.
 */
public final class ItemJson {

  private ItemJson() {}

  /**
   * Builds an item; unknown fields and wrong types are refused with a message naming them.
   *
   * @param where how to name this item in messages, e.g. {@code items[2]}
   */
  public static Item fromMap(Object json, String where) {
    if (!(json instanceof Map)) {
      throw ApiException.badRequest(where + " must be a JSON object");
    }
    Map<?, ?> m = (Map<?, ?>) json;
    Item item = new Item(kind(m.get("kind"), where));
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object v = e.getValue();
      String at = where + "." + key;
      switch (key) {
        case "kind":
          break;
        case "name": item.name(string(v, at)); break;
        case "traceId": item.traceId(string(v, at)); break;
        case "spanId": item.spanId(string(v, at)); break;
        case "parentSpanId": item.parentSpanId(string(v, at)); break;
        case "traceFlags": item.traceFlags((int) number(v, at, 0, 0xFFFF_FFFFL)); break;
        case "traceState": item.traceState(string(v, at)); break;
        case "baggage": item.baggage(string(v, at)); break;
        case "body": item.body(string(v, at)); break;
        case "severityNumber": item.severityNumber((int) number(v, at, 0, Integer.MAX_VALUE)); break;
        case "severityText": item.severityText(string(v, at)); break;
        case "timeUnixNano": item.timeUnixNano(number(v, at, 0, Long.MAX_VALUE)); break;
        case "endTimeUnixNano": item.endTimeUnixNano(number(v, at, 0, Long.MAX_VALUE)); break;
        case "observedTimeUnixNano": item.observedTimeUnixNano(number(v, at, 0, Long.MAX_VALUE)); break;
        case "schemaUrl": item.schemaUrl(string(v, at)); break;
        case "scopeName": item.scopeName(string(v, at)); break;
        case "scopeVersion": item.scopeVersion(string(v, at)); break;
        case "attributes": attributes(item.attributes(), v, at); break;
        case "resource": attributes(item.resource(), v, at); break;
        case "scope": attributes(item.scope(), v, at); break;
        default:
          throw ApiException.badRequest(at + ": unknown field (known: kind, name, traceId, spanId, "
              + "parentSpanId, traceFlags, traceState, baggage, body, severityNumber, severityText, "
              + "timeUnixNano, endTimeUnixNano, observedTimeUnixNano, schemaUrl, scopeName, "
              + "scopeVersion, attributes, resource, scope)");
      }
    }
    return item;
  }

  private static Item.Kind kind(Object v, String where) {
    if (v == null) {
      return Item.Kind.SPAN;
    }
    String text = String.valueOf(v).trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (text.equals("METRIC")) {
      text = "METRIC_POINT";
    }
    try {
      return Item.Kind.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(where + ".kind: '" + v + "' is not span, log, metric_point or event");
    }
  }

  private static void attributes(Attributes target, Object v, String at) {
    if (!(v instanceof Map)) {
      throw ApiException.badRequest(at + " must be a JSON object of attributes");
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
      Object value = e.getValue();
      if (value == null) {
        continue;
      }
      if (value instanceof Integer) {
        value = ((Integer) value).longValue();
      }
      if (value instanceof Map) {
        throw ApiException.badRequest(at + "." + e.getKey() + ": nested objects are not attribute values");
      }
      try {
        target.putValue(String.valueOf(e.getKey()), value instanceof List ? widen((List<?>) value) : value);
      } catch (IllegalArgumentException ex) {
        throw ApiException.badRequest(at + "." + e.getKey() + ": " + ex.getMessage());
      }
    }
  }

  private static List<?> widen(List<?> values) {
    return values.stream().map(x -> x instanceof Integer ? ((Integer) x).longValue() : x).toList();
  }

  private static String string(Object v, String at) {
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw ApiException.badRequest(at + " must be a string");
  }

  private static long number(Object v, String at, long min, long max) {
    if (v instanceof Number) {
      return Json.wholeNumber(v, at, min, max);
    }
    if (v instanceof String && ((String) v).length() <= 40) {
      try {
        return Json.wholeNumber(new java.math.BigDecimal(((String) v).trim()), at, min, max);
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw ApiException.badRequest(at + " must be an integer");
  }
}
