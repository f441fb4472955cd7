package io.tributary.catalog;

/**
 * The result of checking the audit hash chain.
 *
 * @param events how many events were checked
 * @param firstBroken the id of the first event whose hash does not match (edited, or following a
 *     deleted event), or null if the chain is intact
 * @param problem what is wrong with it, or null
 */
public record AuditVerification(boolean valid, long events, Long firstBroken, String problem) {}
