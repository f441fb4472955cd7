package io.tributary.runtime;

import java.util.Locale;

/**
 * What a stage does with an item it failed on (the processor threw, or its circuit breaker is
 * open). In every case the item is first restored to exactly what it was before the stage.
 */
public enum FailurePolicy {
  /** Pass the item on unchanged. The default. */
  SKIP("skip"),
  /** Set the processor's declared failure defaults, then pass the item on. */
  DEFAULT("default"),
  /** Route the item to the dead-letter sink; later stages do not see it. */
  DEAD_LETTER("dead-letter");

  private final String label;

  FailurePolicy(String label) {
    this.label = label;
  }

  /** The name used in pipeline specs: {@code skip}, {@code default}, {@code dead-letter}. */
  public String label() {
    return label;
  }

  /**
   * Parses a label (case-insensitive; {@code dead_letter} accepted too).
   *
   * @throws IllegalArgumentException listing the valid labels
   */
  public static FailurePolicy parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (FailurePolicy p : values()) {
      if (p.label.equals(t)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown failure policy '" + text + "' (use skip, default or dead-letter)");
  }

  @Override
  public String toString() {
    return label;
  }
}
