package io.tributary.catalog;

import java.time.Instant;
import java.util.List;

/**
 * One revision of an environment's pipeline. Revisions are numbered from 1 per environment and
 * never change once written.
 *
 * @param rolledBackFrom for a rollback, the revision whose content it restored; else null
 * @param changeRequest the change request it applied, or null
 */
public record PipelineRevision(
    String env,
    long revision,
    List<StageRecord> stages,
    String author,
    String reason,
    Instant createdAt,
    Long rolledBackFrom,
    Long changeRequest) {

  public PipelineRevision {
    stages = List.copyOf(stages);
  }
}
