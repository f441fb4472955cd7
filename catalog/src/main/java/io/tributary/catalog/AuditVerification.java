package io.tributary.catalog;

/**
 * The result of checking the audit trail: the hash chain, its keyed head, this node's memory of
 * the newest event, and the seal of every pipeline revision. It names the first problem found.
 *
 * @param events how many events were checked
 * @param firstBroken the id of the first event concerned: edited, following a deleted event, the
 *     first one missing from the end, or the one that recorded a tampered revision; null if the
 *     trail is intact (and for a problem no event can be named for)
 * @param problem what is wrong, for a person, or null
 * @param kind what is wrong, for a program, or null: {@code edited} (an event changed), {@code
 *     deleted} (events missing inside the trail), {@code truncated} (events missing from its end,
 *     or the head moved back or edited without the audit key), {@code rolled_back} (the trail ends
 *     before, or differs from, the newest event this node wrote or saw verified), {@code
 *     seals_removed} (the one-time sealing of an older catalog ran twice), {@code
 *     revision_tampered} (a pipeline revision edited, deleted, or not the one the trail recorded)
 */
public record AuditVerification(boolean valid, long events, Long firstBroken, String problem, String kind) {

  public AuditVerification(boolean valid, long events, Long firstBroken, String problem) {
    this(valid, events, firstBroken, problem, null);
  }
}
