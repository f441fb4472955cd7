package io.tributary.catalog;

import java.util.List;

/**
 * Changes to protected environments wait here for a second person with the approver right.
 * Approving applies the change atomically with the revision check.
 *
 * <p>"A second person" is decided on stable principal ids, never on names: the approver must not
 * be the requester; must not descend from the requester (created or granted the approver right by
 * the requester, or by a principal the requester created, and so on), nor the requester from the
 * approver, since a token is shown to whoever creates it; and must not have been created (or
 * granted the right) by anyone after the request was made. A
 * request whose base revision stops being the environment's head (any write to it) becomes
 * {@link ChangeRequest.Status#SUPERSEDED} in the same transaction.
 */
public interface ChangeRequests {

  /**
   * Records a pending change request, audited.
   *
   * @throws CatalogException NOT_FOUND for the env, STALE_REVISION, INVALID for a reason {@link
   *     Texts#reason} refuses
   */
  ChangeRequest submit(String env, long baseRevision, List<StageRecord> stages, Principal requester, String reason);

  /** @throws CatalogException NOT_FOUND */
  ChangeRequest get(long id);

  /** Change requests, newest first; {@code status} null for all. Stages masked. */
  List<ChangeRequest> list(ChangeRequest.Status status);

  /**
   * Applies a pending request as a new revision, in one transaction with the revision check.
   *
   * @throws CatalogException FORBIDDEN if {@code approver} is not a second person (see above) or
   *     not an active approver, CONFLICT if it is not pending (superseded included), NOT_FOUND
   */
  ChangeRequest approve(long id, Principal approver, String reason);

  /** @throws CatalogException FORBIDDEN (as for approve), CONFLICT (not pending), NOT_FOUND */
  ChangeRequest reject(long id, Principal approver, String reason);

  /**
   * Takes back a pending request: only its requester may (compared by principal id), and it
   * becomes {@link ChangeRequest.Status#WITHDRAWN}, audited as {@code change.withdrawn}.
   *
   * @throws CatalogException FORBIDDEN if {@code requester} did not request it (the message names
   *     who did), CONFLICT if it is not pending (the message names its status), NOT_FOUND, INVALID
   *     for a reason {@link Texts#reason} refuses
   */
  ChangeRequest withdraw(long id, Principal requester, String reason);
}
