package io.tributary.catalog;

import java.time.Instant;

/**
 * One entry of the append-only, hash-chained audit trail.
 *
 * @param actor the principal's name, {@code system}, or {@code anonymous} for failed logins
 * @param action e.g. {@code pipeline.revised}, {@code change.approved}, {@code token.created}
 * @param target what it concerns, e.g. {@code env:prod}, {@code token:7}, {@code plugin:pii.jar}
 * @param before JSON of the state before (secrets masked), or null
 * @param after JSON of the state after (secrets masked), or null
 * @param hash the event's keyed chain hash (hex)
 */
public record AuditEvent(
    long id,
    Instant at,
    String actor,
    String action,
    String target,
    String before,
    String after,
    String reason,
    String hash) {}
