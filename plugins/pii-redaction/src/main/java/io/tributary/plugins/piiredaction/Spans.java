package io.tributary.plugins.piiredaction;

/**
 * The findings in one value, in order and never overlapping. Created only once a value turns out
 * to hold something, so a clean value costs no allocation. Used by one thread.
 */
final class Spans {

  private int[] starts = new int[4];
  private int[] ends = new int[4];
  private PiiType[] types = new PiiType[4];
  private int size;

  /** Adds a finding to {@code spans}, creating it if null; returns it. */
  static Spans add(Spans spans, PiiType type, int start, int end) {
    Spans s = spans == null ? new Spans() : spans;
    if (s.size == s.starts.length) {
      s.starts = java.util.Arrays.copyOf(s.starts, s.size * 2);
      s.ends = java.util.Arrays.copyOf(s.ends, s.size * 2);
      s.types = java.util.Arrays.copyOf(s.types, s.size * 2);
    }
    s.starts[s.size] = start;
    s.ends[s.size] = end;
    s.types[s.size] = type;
    s.size++;
    return s;
  }

  int size() {
    return size;
  }

  int start(int i) {
    return starts[i];
  }

  int end(int i) {
    return ends[i];
  }

  PiiType type(int i) {
    return types[i];
  }
}
