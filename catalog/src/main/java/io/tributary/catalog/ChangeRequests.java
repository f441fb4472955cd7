package io.tributary.catalog;

import java.util.List;

/**
 * Changes to protected environments wait here for a second person with the approver right.
 * Approving applies the change atomically with the revision check.
 */
public interface ChangeRequests {

  /** Records a pending change request, audited. @throws CatalogException NOT_FOUND for the env */
  ChangeRequest submit(String env, long baseRevision, List<StageRecord> stages, String requester, String reason);

  /** @throws CatalogException NOT_FOUND */
  ChangeRequest get(long id);

  /** Change requests, newest first; {@code status} null for all. Stages masked. */
  List<ChangeRequest> list(ChangeRequest.Status status);

  /**
   * Applies a pending request as a new revision, in one transaction with the revision check.
   *
   * @throws CatalogException FORBIDDEN if {@code approver} requested it, STALE_REVISION if the
   *     pipeline moved on since it was submitted, CONFLICT if it is not pending, NOT_FOUND
   */
  ChangeRequest approve(long id, String approver, String reason);

  /** @throws CatalogException FORBIDDEN (own request), CONFLICT (not pending), NOT_FOUND */
  ChangeRequest reject(long id, String approver, String reason);
}
