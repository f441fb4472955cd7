package io.tributary.catalog;

import java.time.Instant;
import java.util.List;

/**
 * A proposed change to a protected environment's pipeline, waiting for a second person.
 *
 * @param baseRevision the revision it edits; applying fails if the pipeline has moved on
 * @param stages the proposed stages (masked in API views)
 * @param appliedRevision the revision its approval created, or null
 * @param requesterId the requesting principal's id (null only for requests older than ids)
 * @param decidedById the deciding principal's id, or null
 * @param changedSecrets {@code stage/key} of each secret whose value this request changes (secret
 *     values are masked, so this is the only way a reviewer sees that one changed)
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
    Long appliedRevision,
    Long requesterId,
    Long decidedById,
    List<String> changedSecrets) {

  /** Where a change request stands. */
  public enum Status {
    PENDING,
    APPLIED,
    REJECTED,
    /** Its base revision is no longer the environment's head: it can never apply. */
    SUPERSEDED,
    /** Its requester took it back before anyone decided it: it can never apply. */
    WITHDRAWN
  }

  public ChangeRequest {
    stages = List.copyOf(stages);
    changedSecrets = changedSecrets == null ? List.of() : List.copyOf(changedSecrets);
  }
}
