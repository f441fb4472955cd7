package io.tributary.catalog;

import java.time.Instant;

/**
 * Filters for reading the audit trail; null fields do not filter.
 *
 * @param env events whose target is {@code env:<env>}
 * @param limit at most this many events (1–1000), newest first
 * @param offset events to skip, for paging
 */
public record AuditQuery(
    String env, String actor, String action, Instant since, Instant until, int limit, int offset) {

  public AuditQuery {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative");
    }
  }

  public static AuditQuery all() {
    return new AuditQuery(null, null, null, null, null, 1000, 0);
  }
}
