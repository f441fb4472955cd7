package io.tributary.api;

import java.util.Arrays;

/**
 * An undo log of the writes made to one item while a stage runs. Appending an entry stores a few
 * array slots and allocates nothing once the arrays have grown to the working size, so a host can
 * keep one log per worker thread and reuse it for every item.
 */
final class ChangeLog {

  static final byte OP_SET = 0;
  static final byte OP_ADD = 1;
  static final byte OP_REMOVE = 2;
  static final byte OP_FIELD = 3;

  // Entry i: refs[3i] target (Attributes or Item), refs[3i+1] key, refs[3i+2] old reference value;
  // words[2i] old primitive value, words[2i+1] index << 16 | type << 8 | op. Two arrays, so an
  // append touches two cache lines rather than one per field.
  private Object[] refs = new Object[3 * 16];
  private long[] words = new long[2 * 16];
  private int size;

  int size() {
    return size;
  }

  private byte op(int i) {
    return (byte) words[2 * i + 1];
  }

  private byte type(int i) {
    return (byte) (words[2 * i + 1] >>> 8);
  }

  private int index(int i) {
    return (int) (words[2 * i + 1] >> 16);
  }

  /** The written key in descriptor notation: {@code key}, {@code resource:key}, {@code field:name}. */
  String describe(int i) {
    String key = (String) refs[3 * i + 1];
    if (op(i) == OP_FIELD) {
      return "field:" + key;
    }
    byte scope = ((Attributes) refs[3 * i]).scope;
    if (scope == Attributes.SCOPE_RESOURCE) {
      return "resource:" + key;
    }
    if (scope == Attributes.SCOPE_INSTRUMENTATION) {
      return "scope:" + key;
    }
    return key;
  }

  /** The item whose part entry {@code i} wrote. */
  Item owner(int i) {
    Object target = refs[3 * i];
    return target instanceof Item ? (Item) target : ((Attributes) target).owner();
  }

  /** Which part entry {@code i} wrote: 0 attributes, 1 resource, 2 scope, 3 a field. */
  int part(int i) {
    return op(i) == OP_FIELD ? 3 : ((Attributes) refs[3 * i]).scope;
  }

  /** The written key or field name, without a prefix. */
  String name(int i) {
    return (String) refs[3 * i + 1];
  }

  void recordSet(Attributes target, int index, String key, byte type, long prim, Object ref) {
    append(OP_SET, target, index, key, type, prim, ref);
  }

  void recordAdd(Attributes target, String key) {
    append(OP_ADD, target, -1, key, (byte) 0, 0L, null);
  }

  void recordRemove(Attributes target, int index, String key, byte type, long prim, Object ref) {
    append(OP_REMOVE, target, index, key, type, prim, ref);
  }

  void recordField(Item target, int field, String name, long prim, Object ref) {
    append(OP_FIELD, target, field, name, (byte) 0, prim, ref);
  }

  private void append(
      byte op, Object target, int index, String key, byte type, long prim, Object ref) {
    int n = size;
    if (2 * n == words.length) {
      refs = Arrays.copyOf(refs, 2 * refs.length);
      words = Arrays.copyOf(words, 2 * words.length);
    }
    Object[] r = refs;
    r[3 * n] = target;
    r[3 * n + 1] = key;
    r[3 * n + 2] = ref;
    long[] w = words;
    w[2 * n] = prim;
    w[2 * n + 1] = ((long) index << 16) | ((type & 0xffL) << 8) | (op & 0xffL);
    size = n + 1;
  }

  /** Undoes every recorded write, newest first, then forgets them. */
  void undo() {
    undoTo(0);
  }

  /** Undoes the writes recorded after the first {@code mark}, newest first, and forgets them. */
  void undoTo(int mark) {
    for (int i = size - 1; i >= mark; i--) {
      Object target = refs[3 * i];
      Object ref = refs[3 * i + 2];
      long prim = words[2 * i];
      switch (op(i)) {
        case OP_SET:
          ((Attributes) target).undoSet(index(i), type(i), prim, ref);
          break;
        case OP_ADD:
          ((Attributes) target).undoAdd();
          break;
        case OP_REMOVE:
          ((Attributes) target).undoRemove(index(i), (String) refs[3 * i + 1], type(i), prim, ref);
          break;
        case OP_FIELD:
          ((Item) target).undoField(index(i), prim, ref);
          break;
        default:
          throw new AssertionError(op(i));
      }
    }
    Arrays.fill(refs, 3 * mark, 3 * size, null);
    size = mark;
  }

  /** Forgets every entry, dropping references so the log retains no item. */
  void clear() {
    if (size == 0) {
      return;
    }
    Arrays.fill(refs, 0, 3 * size, null);
    size = 0;
  }
}
