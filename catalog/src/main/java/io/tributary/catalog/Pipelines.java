package io.tributary.catalog;

import java.util.List;
import java.util.Map;

/**
 * Pipeline revisions per environment. Every change is a new revision; all are kept. Writes name
 * the revision they edit (optimistic concurrency) and are audited in the same transaction.
 *
 * <p>Config values that a processor's descriptor marks secret (any version the catalog has seen:
 * {@code config[].secret} in {@link ProcessorCatalog}) are encrypted at rest. The plain reads
 * ({@link #current}, {@link #revision}) return them decrypted, for compiling pipelines; the {@code
 * masked} views replace each set secret with {@code {"set": true}}, for the API. When a write
 * carries {@code {"set": true}} for a secret, the value of the base revision's stage of the same
 * name is kept.
 *
 * <p>Every revision is sealed when written (an HMAC with the audit key, which the database does not
 * hold) and its seal recorded in the audit trail. {@link #current}, {@link #revision} and the
 * content a {@link #rollback} restores are checked against it: a revision edited in the database
 * throws {@link CatalogException.Kind#TAMPERED} (with its number as {@link
 * CatalogException#currentRevision()}) and is never handed out to be compiled or run.
 */
public interface Pipelines {

  /**
   * The current revision of {@code env}, secrets decrypted.
   *
   * @throws CatalogException NOT_FOUND, TAMPERED
   */
  PipelineRevision current(String env);

  /**
   * Revision {@code n} of {@code env}, secrets decrypted.
   *
   * @throws CatalogException NOT_FOUND, TAMPERED
   */
  PipelineRevision revision(String env, long n);

  /** The same, with secrets masked. */
  PipelineRevision masked(PipelineRevision revision);

  /** Every revision of {@code env}, newest first, secrets masked. */
  List<PipelineRevision> history(String env);

  /**
   * Writes a new revision of {@code env} if {@code baseRevision} is still current.
   *
   * @throws CatalogException STALE_REVISION (with the current revision), NOT_FOUND
   */
  PipelineRevision write(String env, long baseRevision, List<StageRecord> stages, String actor, String reason);

  /**
   * Writes a new revision with the content of revision {@code target}.
   *
   * @throws CatalogException STALE_REVISION, NOT_FOUND, TAMPERED (the target was edited)
   */
  PipelineRevision rollback(String env, long baseRevision, long target, String actor, String reason);

  /** The current revision number of every environment: cheap enough to poll every second. */
  Map<String, Long> heads();
}
