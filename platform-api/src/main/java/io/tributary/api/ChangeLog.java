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

  private Object[] targets = new Object[16];
  private byte[] ops = new byte[16];
  private int[] indexes = new int[16];
  private String[] keys = new String[16];
  private byte[] types = new byte[16];
  private long[] prims = new long[16];
  private Object[] refs = new Object[16];
  private int size;

  int size() {
    return size;
  }

  /** The written key in descriptor notation: {@code key}, {@code resource:key}, {@code field:name}. */
  String describe(int i) {
    if (ops[i] == OP_FIELD) {
      return "field:" + keys[i];
    }
    byte scope = ((Attributes) targets[i]).scope;
    if (scope == Attributes.SCOPE_RESOURCE) {
      return "resource:" + keys[i];
    }
    if (scope == Attributes.SCOPE_INSTRUMENTATION) {
      return "scope:" + keys[i];
    }
    return keys[i];
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
    if (size == ops.length) {
      int capacity = size * 2;
      targets = Arrays.copyOf(targets, capacity);
      ops = Arrays.copyOf(ops, capacity);
      indexes = Arrays.copyOf(indexes, capacity);
      keys = Arrays.copyOf(keys, capacity);
      types = Arrays.copyOf(types, capacity);
      prims = Arrays.copyOf(prims, capacity);
      refs = Arrays.copyOf(refs, capacity);
    }
    targets[size] = target;
    ops[size] = op;
    indexes[size] = index;
    keys[size] = key;
    types[size] = type;
    prims[size] = prim;
    refs[size] = ref;
    size++;
  }

  /** Undoes every recorded write, newest first, then forgets them. */
  void undo() {
    undoTo(0);
  }

  /** Undoes the writes recorded after the first {@code mark}, newest first, and forgets them. */
  void undoTo(int mark) {
    for (int i = size - 1; i >= mark; i--) {
      switch (ops[i]) {
        case OP_SET:
          ((Attributes) targets[i]).undoSet(indexes[i], types[i], prims[i], refs[i]);
          break;
        case OP_ADD:
          ((Attributes) targets[i]).undoAdd();
          break;
        case OP_REMOVE:
          ((Attributes) targets[i]).undoRemove(indexes[i], keys[i], types[i], prims[i], refs[i]);
          break;
        case OP_FIELD:
          ((Item) targets[i]).undoField(indexes[i], prims[i], refs[i]);
          break;
        default:
          throw new AssertionError(ops[i]);
      }
    }
    Arrays.fill(targets, mark, size, null);
    Arrays.fill(refs, mark, size, null);
    Arrays.fill(keys, mark, size, null);
    size = mark;
  }

  /** Forgets every entry, dropping references so the log retains no item. */
  void clear() {
    if (size == 0) {
      return;
    }
    Arrays.fill(targets, 0, size, null);
    Arrays.fill(refs, 0, size, null);
    Arrays.fill(keys, 0, size, null);
    size = 0;
  }
}
