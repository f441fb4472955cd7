package io.tributary.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ordered, mutable map from attribute key to a typed value, as carried by an {@link Item}.
 *
 * <p>Values are one of the {@link Type}s: strings, 64-bit integers, doubles, booleans, byte
 * strings and arrays. Primitive values are stored unboxed, so reading and writing {@code long},
 * {@code double} and {@code boolean} values does not allocate. Keys keep the order in which they
 * were first added; replacing a value keeps its position.
 *
 * <p>Lookups compare cached hash codes before keys, which on the sizes telemetry carries (tens of
 * attributes) beats a hash table. For a pass over every attribute, iterate by index ({@link
 * #keyAt}, {@link #typeAt}, {@link #stringAt}, …) rather than materialising a map.
 *
 * <p><b>Thread-safety:</b> none. An item, and its attributes, belong to one thread at a time; the
 * engine never hands one item to two processors at once.
 *
 * <p><b>Null:</b> keys are never null (a null key throws {@link NullPointerException}: that is a
 * programming error, not bad data). Writing a null value removes the key. Getters return null or
 * the given default when a key is absent or holds another type.
 */
public final class Attributes {

  /** The type of an attribute value. */
  public enum Type {
    STRING,
    BOOLEAN,
    LONG,
    DOUBLE,
    /** An immutable byte string, returned as a copy. */
    BYTES,
    /** An immutable {@code List} of {@code String}, {@code Long}, {@code Double} or {@code Boolean}. */
    ARRAY;

    private static final Type[] VALUES = values();

    static Type of(byte ordinal) {
      return VALUES[ordinal];
    }
  }

  static final byte STRING = 0;
  static final byte BOOLEAN = 1;
  static final byte LONG = 2;
  static final byte DOUBLE = 3;
  static final byte BYTES = 4;
  static final byte ARRAY = 5;

  private static final String[] NO_KEYS = new String[0];
  private static final int[] NO_HASHES = new int[0];
  private static final byte[] NO_TYPES = new byte[0];
  private static final long[] NO_PRIMS = new long[0];
  private static final Object[] NO_REFS = new Object[0];

  /** Which part of an item this map is; used to name written keys in the change log. */
  final byte scope;

  private String[] keys = NO_KEYS;
  private int[] hashes = NO_HASHES;
  private byte[] types = NO_TYPES;
  private long[] prims = NO_PRIMS;
  private Object[] refs = NO_REFS;
  private int size;

  /** The item this map belongs to (its change log records our writes), or null if free-standing. */
  private final Item owner;

  static final byte SCOPE_ATTRIBUTES = 0;
  static final byte SCOPE_RESOURCE = 1;
  static final byte SCOPE_INSTRUMENTATION = 2;

  Attributes(byte scope, Item owner) {
    this.scope = scope;
    this.owner = owner;
  }

  /** Creates an empty, free-standing attribute map (handy in tests and examples). */
  public static Attributes create() {
    return new Attributes(SCOPE_ATTRIBUTES, null);
  }

  Item owner() {
    return owner;
  }

  /** The change log writes go to now: the owning item's while a stage runs, else null. */
  private ChangeLog log() {
    return owner == null ? null : owner.log;
  }

  // ---------------------------------------------------------------- reads

  /** Returns the number of attributes. */
  public int size() {
    return size;
  }

  /** Returns true if there are no attributes. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Returns the position of {@code key}, or -1 if absent. */
  public int indexOf(String key) {
    int h = key.hashCode();
    String[] k = keys;
    int[] hs = hashes;
    for (int i = 0, n = size; i < n; i++) {
      if (hs[i] == h) {
        String candidate = k[i];
        if (candidate == key || candidate.equals(key)) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Returns true if {@code key} is present, whatever the type of its value. */
  public boolean contains(String key) {
    return indexOf(key) >= 0;
  }

  /** Returns the type of the value under {@code key}, or null if absent. */
  public Type type(String key) {
    int i = indexOf(key);
    return i < 0 ? null : Type.of(types[i]);
  }

  /** Returns the string under {@code key}, or null if absent or not a string. */
  public String getString(String key) {
    int i = indexOf(key);
    return i >= 0 && types[i] == STRING ? (String) refs[i] : null;
  }

  /** Returns the long under {@code key}, or {@code otherwise} if absent or not a long. */
  public long getLong(String key, long otherwise) {
    int i = indexOf(key);
    return i >= 0 && types[i] == LONG ? prims[i] : otherwise;
  }

  /** Returns the double under {@code key}, or {@code otherwise} if absent or not a double. */
  public double getDouble(String key, double otherwise) {
    int i = indexOf(key);
    return i >= 0 && types[i] == DOUBLE ? Double.longBitsToDouble(prims[i]) : otherwise;
  }

  /** Returns the boolean under {@code key}, or {@code otherwise} if absent or not a boolean. */
  public boolean getBoolean(String key, boolean otherwise) {
    int i = indexOf(key);
    return i >= 0 && types[i] == BOOLEAN ? prims[i] != 0 : otherwise;
  }

  /**
   * Returns the value under {@code key} boxed ({@code String}, {@code Long}, {@code Double}, {@code
   * Boolean}, a {@code byte[]} copy or an immutable {@code List}), or null if absent.
   */
  public Object get(String key) {
    int i = indexOf(key);
    return i < 0 ? null : valueAt(i);
  }

  /** Returns the key at {@code index} (0 ≤ index &lt; size). */
  public String keyAt(int index) {
    checkIndex(index);
    return keys[index];
  }

  /** Returns the type of the value at {@code index}. */
  public Type typeAt(int index) {
    checkIndex(index);
    return Type.of(types[index]);
  }

  /** Returns the string at {@code index}, or null if that value is not a string. */
  public String stringAt(int index) {
    checkIndex(index);
    return types[index] == STRING ? (String) refs[index] : null;
  }

  /** Returns the long at {@code index}; 0 if that value is not a long. */
  public long longAt(int index) {
    checkIndex(index);
    return types[index] == LONG ? prims[index] : 0L;
  }

  /** Returns the double at {@code index}; 0 if that value is not a double. */
  public double doubleAt(int index) {
    checkIndex(index);
    return types[index] == DOUBLE ? Double.longBitsToDouble(prims[index]) : 0d;
  }

  /** Returns the boolean at {@code index}; false if that value is not a boolean. */
  public boolean booleanAt(int index) {
    checkIndex(index);
    return types[index] == BOOLEAN && prims[index] != 0;
  }

  /** Returns the value at {@code index} boxed, as {@link #get} does. */
  public Object valueAt(int index) {
    checkIndex(index);
    switch (types[index]) {
      case STRING:
      case ARRAY:
        return refs[index];
      case BYTES:
        return ((byte[]) refs[index]).clone();
      case LONG:
        return prims[index];
      case DOUBLE:
        return Double.longBitsToDouble(prims[index]);
      case BOOLEAN:
        return prims[index] != 0;
      default:
        throw new AssertionError(types[index]);
    }
  }

  /** Returns an unmodifiable, insertion-ordered copy of these attributes with boxed values. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
    for (int i = 0; i < size; i++) {
      map.put(keys[i], valueAt(i));
    }
    return Collections.unmodifiableMap(map);
  }

  // ---------------------------------------------------------------- writes

  /** Sets {@code key} to a string; a null value removes the key. Returns this. */
  public Attributes put(String key, String value) {
    if (value == null) {
      remove(key);
    } else {
      write(key, STRING, 0L, value);
    }
    return this;
  }

  /** Sets {@code key} to a long. Returns this. */
  public Attributes put(String key, long value) {
    write(key, LONG, value, null);
    return this;
  }

  /** Sets {@code key} to a double. Returns this. */
  public Attributes put(String key, double value) {
    write(key, DOUBLE, Double.doubleToRawLongBits(value), null);
    return this;
  }

  /** Sets {@code key} to a boolean. Returns this. */
  public Attributes put(String key, boolean value) {
    write(key, BOOLEAN, value ? 1L : 0L, null);
    return this;
  }

  /** Sets {@code key} to a copy of {@code value}; a null value removes the key. Returns this. */
  public Attributes putBytes(String key, byte[] value) {
    if (value == null) {
      remove(key);
    } else {
      write(key, BYTES, 0L, value.clone());
    }
    return this;
  }

  /**
   * Sets {@code key} to an array. Elements must be {@code String}, {@code Long} (or {@code
   * Integer}, widened), {@code Double} (or {@code Float}) or {@code Boolean}; the list is copied.
   * A null list removes the key. Returns this.
   *
   * @throws IllegalArgumentException if an element is null or of another type
   */
  public Attributes putArray(String key, List<?> values) {
    if (values == null) {
      remove(key);
    } else {
      write(key, ARRAY, 0L, copyArray(key, values));
    }
    return this;
  }

  /**
   * Sets {@code key} to a value of any supported Java type ({@code String}, {@code Long}, {@code
   * Integer}, {@code Double}, {@code Float}, {@code Boolean}, {@code byte[]}, {@code List}); null
   * removes the key. Returns this.
   *
   * @throws IllegalArgumentException if the value has an unsupported type
   */
  public Attributes putValue(String key, Object value) {
    if (value == null) {
      remove(key);
    } else if (value instanceof String) {
      put(key, (String) value);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      put(key, ((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      put(key, ((Number) value).doubleValue());
    } else if (value instanceof Boolean) {
      put(key, ((Boolean) value).booleanValue());
    } else if (value instanceof byte[]) {
      putBytes(key, (byte[]) value);
    } else if (value instanceof List) {
      putArray(key, (List<?>) value);
    } else {
      throw new IllegalArgumentException(
          "attribute '" + key + "': unsupported value type " + value.getClass().getName());
    }
    return this;
  }

  /**
   * Replaces the string at {@code index} in place, keeping key and position. Cheaper than {@link
   * #put(String, String)} when iterating by index.
   */
  public void setStringAt(int index, String value) {
    checkIndex(index);
    Objects.requireNonNull(value, "value");
    if (types[index] == STRING && value.equals(refs[index])) {
      return; // writing the value already there is not a change
    }
    ChangeLog log = log();
    if (log != null) {
      log.recordSet(this, index, keys[index], types[index], prims[index], refs[index]);
    }
    types[index] = STRING;
    prims[index] = 0L;
    refs[index] = value;
  }

  /** Removes {@code key}; returns true if it was present. Later attributes move up one place. */
  public boolean remove(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return false;
    }
    removeAt(i);
    return true;
  }

  /** Removes the attribute at {@code index}; later attributes move up one place. */
  public void removeAt(int index) {
    checkIndex(index);
    ChangeLog log = log();
    if (log != null) {
      log.recordRemove(this, index, keys[index], types[index], prims[index], refs[index]);
    }
    int tail = size - index - 1;
    if (tail > 0) {
      System.arraycopy(keys, index + 1, keys, index, tail);
      System.arraycopy(hashes, index + 1, hashes, index, tail);
      System.arraycopy(types, index + 1, types, index, tail);
      System.arraycopy(prims, index + 1, prims, index, tail);
      System.arraycopy(refs, index + 1, refs, index, tail);
    }
    size--;
    keys[size] = null;
    refs[size] = null;
  }

  /** Copies every attribute of {@code other} into this map, replacing values of equal keys. */
  public Attributes putAll(Attributes other) {
    for (int i = 0; i < other.size; i++) {
      write(other.keys[i], other.types[i], other.prims[i], other.refs[i]);
    }
    return this;
  }

  private void write(String key, byte type, long prim, Object ref) {
    int i = indexOf(key);
    if (i >= 0) {
      ChangeLog log = log();
      if (types[i] == type && prims[i] == prim && sameRef(type, refs[i], ref)) {
        return; // writing the value already there is not a change
      }
      if (log != null) {
        log.recordSet(this, i, key, types[i], prims[i], refs[i]);
      }
      types[i] = type;
      prims[i] = prim;
      refs[i] = ref;
      return;
    }
    ChangeLog log = log();
    if (log != null) {
      log.recordAdd(this, key);
    }
    append(key, type, prim, ref);
  }

  private static boolean sameRef(byte type, Object a, Object b) {
    return type == BYTES ? Arrays.equals((byte[]) a, (byte[]) b) : Objects.equals(a, b);
  }

  private void append(String key, byte type, long prim, Object ref) {
    if (size == keys.length) {
      grow();
    }
    keys[size] = key;
    hashes[size] = key.hashCode();
    types[size] = type;
    prims[size] = prim;
    refs[size] = ref;
    size++;
  }

  private void grow() {
    int capacity = keys.length == 0 ? 8 : keys.length * 2;
    keys = Arrays.copyOf(keys, capacity);
    hashes = Arrays.copyOf(hashes, capacity);
    types = Arrays.copyOf(types, capacity);
    prims = Arrays.copyOf(prims, capacity);
    refs = Arrays.copyOf(refs, capacity);
  }

  // ---------------------------------------------------------------- undo (package-private)

  void undoSet(int index, byte type, long prim, Object ref) {
    types[index] = type;
    prims[index] = prim;
    refs[index] = ref;
  }

  void undoAdd() {
    size--;
    keys[size] = null;
    refs[size] = null;
  }

  void undoRemove(int index, String key, byte type, long prim, Object ref) {
    if (size == keys.length) {
      grow();
    }
    int tail = size - index;
    if (tail > 0) {
      System.arraycopy(keys, index, keys, index + 1, tail);
      System.arraycopy(hashes, index, hashes, index + 1, tail);
      System.arraycopy(types, index, types, index + 1, tail);
      System.arraycopy(prims, index, prims, index + 1, tail);
      System.arraycopy(refs, index, refs, index + 1, tail);
    }
    keys[index] = key;
    hashes[index] = key.hashCode();
    types[index] = type;
    prims[index] = prim;
    refs[index] = ref;
    size++;
  }

  void copyFrom(Attributes other) {
    keys = other.size == 0 ? NO_KEYS : Arrays.copyOf(other.keys, other.size);
    hashes = other.size == 0 ? NO_HASHES : Arrays.copyOf(other.hashes, other.size);
    types = other.size == 0 ? NO_TYPES : Arrays.copyOf(other.types, other.size);
    prims = other.size == 0 ? NO_PRIMS : Arrays.copyOf(other.prims, other.size);
    refs = other.size == 0 ? NO_REFS : Arrays.copyOf(other.refs, other.size);
    size = other.size;
  }

  // ---------------------------------------------------------------- equality

  /**
   * Two attribute maps are equal when they hold the same keys with equal values of the same type,
   * in any order. Use {@link #toString()} to compare order too.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Attributes)) {
      return false;
    }
    Attributes other = (Attributes) o;
    if (other.size != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      int j = other.indexOf(keys[i]);
      if (j < 0 || other.types[j] != types[i] || other.prims[j] != prims[i]) {
        return false;
      }
      if (types[i] == BYTES
          ? !Arrays.equals((byte[]) refs[i], (byte[]) other.refs[j])
          : !Objects.equals(refs[i], other.refs[j])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < size; i++) {
      Object ref = types[i] == BYTES ? Arrays.hashCode((byte[]) refs[i]) : refs[i];
      h += hashes[i] ^ Long.hashCode(prims[i]) ^ Objects.hashCode(ref) ^ types[i];
    }
    return h;
  }

  /** Renders {@code {key=value, …}} in order; strings are quoted, so types stay visible. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(keys[i]).append('=');
      appendValue(sb, i);
    }
    return sb.append('}').toString();
  }

  private void appendValue(StringBuilder sb, int i) {
    switch (types[i]) {
      case STRING:
        sb.append('"').append(refs[i]).append('"');
        break;
      case BYTES:
        sb.append("bytes").append(Arrays.toString((byte[]) refs[i]));
        break;
      case DOUBLE:
        sb.append(Double.longBitsToDouble(prims[i])).append('d');
        break;
      case LONG:
        sb.append(prims[i]).append('L');
        break;
      default:
        sb.append(valueAt(i));
    }
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " out of bounds for size " + size);
    }
  }

  private static List<Object> copyArray(String key, List<?> values) {
    List<Object> copy = new ArrayList<>(values.size());
    for (Object v : values) {
      if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
        copy.add(v);
      } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
        copy.add(((Number) v).longValue());
      } else if (v instanceof Float) {
        copy.add(((Float) v).doubleValue());
      } else {
        throw new IllegalArgumentException(
            "attribute '" + key + "': array elements must be String, Long, Double or Boolean, got "
                + (v == null ? "null" : v.getClass().getName()));
      }
    }
    return Collections.unmodifiableList(copy);
  }
}
