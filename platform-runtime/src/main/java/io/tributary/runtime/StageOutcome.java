package io.tributary.runtime;

/** What one stage did to one item, as lineage records it. */
public enum StageOutcome {
  /** The stage ran and wrote nothing. */
  UNCHANGED("unchanged"),
  /** The stage ran and wrote something. */
  MODIFIED("modified"),
  /** The stage ran and routed the item to the dead-letter sink itself. */
  ROUTED("routed"),
  /** The stage threw; the item was restored and passed on (policy {@code skip}). */
  FAILED("failed"),
  /** The stage threw or was skipped; the item was restored and its failure defaults set. */
  DEFAULTED("defaulted"),
  /** The stage threw or was skipped; the item was restored and dead-lettered. */
  DEAD_LETTERED("dead-lettered"),
  /** The stage's circuit breaker is open; the item was passed on unchanged. */
  SKIPPED("skipped");

  private static final StageOutcome[] VALUES = values();

  private final String label;

  StageOutcome(String label) {
    this.label = label;
  }

  /** The lower-case label lineage uses. */
  public String label() {
    return label;
  }

  byte code() {
    return (byte) (ordinal() + 1);
  }

  static StageOutcome ofCode(byte code) {
    return code == 0 ? null : VALUES[code - 1];
  }

  @Override
  public String toString() {
    return label;
  }
}
