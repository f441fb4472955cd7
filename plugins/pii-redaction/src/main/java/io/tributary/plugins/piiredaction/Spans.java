package io.tributary.plugins.piiredaction;

/**
 * The findings in one value, in order and never overlapping. Created only once a value turns out
 * to hold something, so a clean value costs no allocation. Used by one thread.
 */
final class Spans {

  private int[] starts = new int[4];
  private int[] ends = new int[4];
  /** The kind index ({@link PiiType} ordinal, or a custom detector's), with {@link #QUOTE} set
   * when the replacement must be written as a JSON string (it replaces a JSON number or literal). */
  private int[] kinds = new int[4];
  private int size;

  static final int QUOTE = 1 << 16;

  /** Adds a finding to {@code spans}, creating it if null; returns it. */
  static Spans add(Spans spans, int kind, int start, int end) {
    Spans s = spans == null ? new Spans() : spans;
    if (s.size == s.starts.length) {
      s.starts = java.util.Arrays.copyOf(s.starts, s.size * 2);
      s.ends = java.util.Arrays.copyOf(s.ends, s.size * 2);
      s.kinds = java.util.Arrays.copyOf(s.kinds, s.size * 2);
    }
    s.starts[s.size] = start;
    s.ends[s.size] = end;
    s.kinds[s.size] = kind;
    s.size++;
    return s;
  }

  /** Moves the start of finding {@code i}; the caller keeps the findings in order. */
  void setStart(int i, int start) {
    starts[i] = start;
  }

  /** Removes the last finding. */
  void removeLast() {
    size--;
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

  /** The kind index, without {@link #QUOTE}. */
  int kind(int i) {
    return kinds[i] & (QUOTE - 1);
  }

  boolean quoted(int i) {
    return (kinds[i] & QUOTE) != 0;
  }
}
