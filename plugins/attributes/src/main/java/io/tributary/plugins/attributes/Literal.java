package io.tributary.plugins.attributes;

import io.tributary.api.Attributes;

/** A typed value written in an action: a string, a long, a double or a boolean. Immutable. */
final class Literal {

  private final Attributes.Type type;
  private final String string;
  private final long longValue;
  private final double doubleValue;
  private final boolean booleanValue;

  private Literal(Attributes.Type type, String string, long l, double d, boolean b) {
    this.type = type;
    this.string = string;
    this.longValue = l;
    this.doubleValue = d;
    this.booleanValue = b;
  }

  static Literal ofString(String s) {
    return new Literal(Attributes.Type.STRING, s, 0, 0, false);
  }

  /**
   * A value as configured in JSON, keeping its type: a {@code String}, {@code Long}, {@code
   * Double} (finite) or {@code Boolean}, as a {@code scalar} config field holds it.
   *
   * @throws IllegalArgumentException for anything else
   */
  static Literal of(Object scalar) {
    if (scalar instanceof String) {
      return ofString((String) scalar);
    }
    if (scalar instanceof Long) {
      return new Literal(Attributes.Type.LONG, null, (Long) scalar, 0, false);
    }
    if (scalar instanceof Double && Double.isFinite((Double) scalar)) {
      return new Literal(Attributes.Type.DOUBLE, null, 0, (Double) scalar, false);
    }
    if (scalar instanceof Boolean) {
      return new Literal(Attributes.Type.BOOLEAN, null, 0, 0, (Boolean) scalar);
    }
    throw new IllegalArgumentException("not a string, long, finite double or boolean: " + scalar);
  }

  /**
   * Types an unquoted word: {@code true}/{@code false} are booleans, {@code 42} a long, {@code 4.2}
   * or {@code 1e3} a double, anything else a string.
   */
  static Literal ofWord(String word) {
    if (word.equals("true") || word.equals("false")) {
      return new Literal(Attributes.Type.BOOLEAN, null, 0, 0, word.equals("true"));
    }
    if (isInteger(word)) {
      try {
        return new Literal(Attributes.Type.LONG, null, Long.parseLong(word), 0, false);
      } catch (NumberFormatException tooLong) {
        return ofString(word);
      }
    }
    if (isDecimal(word)) {
      try {
        double d = Double.parseDouble(word);
        if (Double.isFinite(d)) {
          return new Literal(Attributes.Type.DOUBLE, null, 0, d, false);
        }
      } catch (NumberFormatException notANumber) {
        return ofString(word);
      }
    }
    return ofString(word);
  }

  private static boolean isInteger(String w) {
    int start = w.startsWith("-") ? 1 : 0;
    if (w.length() == start) {
      return false;
    }
    for (int i = start; i < w.length(); i++) {
      if (w.charAt(i) < '0' || w.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Digits with a point or an exponent; excludes words Java also parses (NaN, 1d, 0x1p3). */
  private static boolean isDecimal(String w) {
    boolean digit = false;
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return false;
      }
    }
    return digit;
  }

  Attributes.Type type() {
    return type;
  }

  /** The boxed value, for messages and tests. */
  Object value() {
    switch (type) {
      case STRING: return string;
      case LONG: return longValue;
      case DOUBLE: return doubleValue;
      default: return booleanValue;
    }
  }

  void write(Attributes a, String key) {
    switch (type) {
      case STRING: a.put(key, string); break;
      case LONG: a.put(key, longValue); break;
      case DOUBLE: a.put(key, doubleValue); break;
      default: a.put(key, booleanValue);
    }
  }

  /** Equal type and value; a long and a double compare as numbers ({@code 200 == 200.0}). */
  boolean matches(Attributes a, String key) {
    int i = a.indexOf(key);
    if (i < 0) {
      return false;
    }
    Attributes.Type actual = a.typeAt(i);
    switch (type) {
      case STRING:
        return actual == Attributes.Type.STRING && string.equals(a.stringAt(i));
      case BOOLEAN:
        return actual == Attributes.Type.BOOLEAN && booleanValue == a.booleanAt(i);
      case LONG:
        return actual == Attributes.Type.LONG ? a.longAt(i) == longValue
            : actual == Attributes.Type.DOUBLE && a.doubleAt(i) == longValue;
      default:
        return actual == Attributes.Type.DOUBLE ? a.doubleAt(i) == doubleValue
            : actual == Attributes.Type.LONG && a.longAt(i) == doubleValue;
    }
  }

  /** Equal type and value (unlike {@link #matches}, {@code 200} and {@code 200.0} differ). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Literal && ((Literal) o).type == type && ((Literal) o).value().equals(value());
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + value().hashCode();
  }

  @Override
  public String toString() {
    return type == Attributes.Type.STRING ? "\"" + string + "\"" : String.valueOf(value());
  }
}
