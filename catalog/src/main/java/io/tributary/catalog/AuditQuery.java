package io.tributary.catalog;

import java.time.Instant;

/**
 * Filters for reading the audit trail; null (or blank) fields do not filter.
 *
 * <p>{@code actor}, {@code action}, {@code target} and {@code text} match case-insensitively as
 * "contains": the text is taken literally (a {@code %}, {@code _} or backslash is just that
 * character, never a pattern), and is at most {@link #MAX_FILTER_LENGTH} characters.
 *
 * @param env events whose target is exactly {@code env:<env>}
 * @param actor events whose actor contains this
 * @param action events whose action contains this, e.g. {@code pipeline} or {@code token.}
 * @param target events whose target contains this, e.g. {@code prod} or {@code token:}
 * @param text events whose reason, before or after (masked JSON) contains this
 * @param beforeId only events with an id below this (the cursor for older events), or null
 * @param afterId only events with an id above this (the cursor for newer events), or null; with
 *     no {@code beforeId} the page holds the {@code limit} events just above it
 * @param limit at most this many events (1–1000), newest first
 * @param offset events to skip, for paging
 */
public record AuditQuery(
    String env, String actor, String action, String target, String text, Instant since, Instant until,
    Long beforeId, Long afterId, int limit, int offset) {

  /** The longest filter text accepted. */
  public static final int MAX_FILTER_LENGTH = 200;

  public AuditQuery {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative");
    }
    env = blankToNull(env, "env");
    actor = blankToNull(actor, "actor");
    action = blankToNull(action, "action");
    target = blankToNull(target, "target");
    text = blankToNull(text, "text");
  }

  /** Exact {@code env}, contains-matching {@code actor} and {@code action}, no cursor. */
  public AuditQuery(String env, String actor, String action, Instant since, Instant until, int limit, int offset) {
    this(env, actor, action, null, null, since, until, null, null, limit, offset);
  }

  public static AuditQuery all() {
    return new AuditQuery(null, null, null, null, null, 1000, 0);
  }

  private static String blankToNull(String value, String name) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_FILTER_LENGTH) {
      throw new IllegalArgumentException(
          "'" + name + "' is " + value.length() + " characters long; at most " + MAX_FILTER_LENGTH);
    }
    return value;
  }
}
