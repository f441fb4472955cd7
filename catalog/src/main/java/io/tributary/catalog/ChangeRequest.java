package io.tributary.catalog;

import java.time.Instant;
import java.util.List;

/**
 * A proposed change to a protected environment's pipeline, waiting for a second person.
 *
 * @param baseRevision the revision it edits; applying fails if the pipeline has moved on
 * @param stages the proposed stages (masked in API views)
 * @param appliedRevision the revision its approval created, or null
 */
public record ChangeRequest(
    long id,
    String env,
    long baseRevision,
    List<StageRecord> stages,
    String requester,
    String reason,
    Status status,
    String decidedBy,
    String decisionReason,
    Instant createdAt,
    Instant decidedAt,
    Long appliedRevision) {

  /** Where a change request stands. */
  public enum Status {
    PENDING,
    APPLIED,
    REJECTED
  }

  public ChangeRequest {
    stages = List.copyOf(stages);
  }
}
