package io.tributary.catalog;

import java.time.Instant;

/**
 * A deployment environment with its own pipeline.
 *
 * @param protectedEnv changes need a second person's approval
 * @param failOpen a node whose pipeline for this environment does not compile passes telemetry
 *     through untouched instead of refusing it (never true for a protected environment)
 */
public record Environment(String name, boolean protectedEnv, Instant createdAt, boolean failOpen) {

  /** An environment that fails closed (the default). */
  public Environment(String name, boolean protectedEnv, Instant createdAt) {
    this(name, protectedEnv, createdAt, false);
  }
}
