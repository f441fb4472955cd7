package io.tributary.catalog;

import java.time.Instant;

/**
 * A deployment environment with its own pipeline.
 *
 * @param protectedEnv changes need a second person's approval
 */
public record Environment(String name, boolean protectedEnv, Instant createdAt) {}
