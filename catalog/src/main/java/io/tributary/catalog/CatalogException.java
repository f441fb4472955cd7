package io.tributary.catalog;

/**
 * A catalog operation was refused; {@link #kind()} says why, so the API can map it to a status.
 * The message names the problem for a person.
 */
public class CatalogException extends RuntimeException {

  /** Why an operation was refused. */
  public enum Kind {
    /** Something named does not exist (404). */
    NOT_FOUND,
    /** The write names a revision that is no longer current (409). */
    STALE_REVISION,
    /** It would duplicate or contradict what exists (409). */
    CONFLICT,
    /** The actor may not do this, e.g. approve their own request (403). */
    FORBIDDEN,
    /** The input is invalid (400/422). */
    INVALID,
    /**
     * What is stored fails its integrity check (a seal made with the audit key does not match): it
     * was edited in the database, not through Tributary, and is not used (409).
     */
    TAMPERED
  }

  private final Kind kind;
  private final Long currentRevision;

  public CatalogException(Kind kind, String message) {
    this(kind, message, null);
  }

  public CatalogException(Kind kind, String message, Long currentRevision) {
    super(message);
    this.kind = kind;
    this.currentRevision = currentRevision;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * For {@link Kind#STALE_REVISION}: the environment's current revision; for {@link Kind#TAMPERED}
   * of a pipeline revision: that revision's number.
   */
  public Long currentRevision() {
    return currentRevision;
  }
}
