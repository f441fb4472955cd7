package io.tributary.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The timings history: what each node's stages did, {@link #STEP} at a time. Nodes write their
 * samples here, so any node (and a reload of the Timings page) sees the last {@link #RETENTION},
 * per node or combined.
 */
public interface StageSamples {

  /** The resolution: one sample per node and stage every 10 s. */
  Duration STEP = Duration.ofSeconds(10);
  /** How long samples are kept. */
  Duration RETENTION = Duration.ofHours(6);

  /**
   * What one stage did on one node in the {@link #STEP} starting at {@code at}.
   *
   * @param processor the processor's coordinates (id@version) the stage ran
   * @param totalNanos the time the stage spent on its batches
   */
  record Sample(String node, String env, String stage, String processor, Instant at, long items, long modified,
      long failed, long skipped, long deadLettered, long batches, long totalNanos) {}

  /**
   * Stores {@code samples} in one transaction. A sample for a node, stage and time already stored
   * is added to it (a node that samples twice in one step loses nothing).
   */
  void record(List<Sample> samples);

  /** The samples of {@code env} with {@code from <= at < to}, by time, then node, then stage. */
  List<Sample> range(String env, Instant from, Instant to);

  /** Deletes the samples before {@code before}; answers how many. */
  int prune(Instant before);
}
