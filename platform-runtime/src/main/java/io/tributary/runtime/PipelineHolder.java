package io.tributary.runtime;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current pipeline of one environment, swapped atomically when a new revision is installed.
 *
 * <p>Each batch runs wholly on the pipeline that was current when it started: {@link #run(Batch)}
 * takes a reference to the pipeline for the batch's duration, so an {@link #install} in the middle
 * neither interrupts it nor mixes two revisions on one item. The replaced pipeline closes its
 * processors once its last running batch is done. Thread-safe and lock-free.
 *
 * <p><b>Refusing.</b> A holder can be told to {@link #refuse} telemetry (its environment's pipeline
 * does not compile here, and passing items through unprocessed would send what the pipeline exists
 * to remove). Receivers check {@link #refusal()} before accepting anything; installing a compiled
 * pipeline, or {@link #accept()}, lifts it.
 */
public final class PipelineHolder implements AutoCloseable {

  private final String environment;
  private final AtomicReference<CompiledPipeline> current = new AtomicReference<>();
  private volatile String refusal;

  public PipelineHolder(String environment, CompiledPipeline initial) {
    this.environment = Objects.requireNonNull(environment, "environment");
    install(initial);
  }

  public String environment() {
    return environment;
  }

  /** Why telemetry must be refused now, or null if it may be accepted. */
  public String refusal() {
    return refusal;
  }

  /** Telemetry must be refused until {@link #accept()} or an {@link #install}, because of {@code reason}. */
  public void refuse(String reason) {
    this.refusal = Objects.requireNonNull(reason, "reason");
  }

  /** Telemetry may be accepted (on the current pipeline) again. */
  public void accept() {
    this.refusal = null;
  }

  /** The pipeline new batches run on. */
  public CompiledPipeline current() {
    return current.get();
  }

  /**
   * Makes {@code next} current, and lifts a {@link #refuse refusal}; batches already running finish
   * on the old one, which then closes.
   *
   * @return the replaced pipeline (closed, or closing once its batches are done), or null
   */
  public CompiledPipeline install(CompiledPipeline next) {
    Objects.requireNonNull(next, "next");
    if (!next.environment().equals(environment)) {
      throw new IllegalArgumentException(
          "pipeline for '" + next.environment() + "' installed in '" + environment + "'");
    }
    if (!next.tryAcquire()) {
      throw new IllegalArgumentException("pipeline " + next + " is retired or closed");
    }
    next.release();
    CompiledPipeline old = current.getAndSet(next);
    refusal = null;
    if (old != null && old != next) {
      old.retire();
    }
    return old;
  }

  /** Runs {@code batch} on the current pipeline. */
  public void run(Batch batch) {
    CompiledPipeline pipeline = acquire();
    try {
      pipeline.run(batch);
    } finally {
      pipeline.release();
    }
  }

  private CompiledPipeline acquire() {
    while (true) {
      CompiledPipeline p = current.get();
      if (p.tryAcquire()) {
        return p;
      }
      // Retired between the read and the acquire: a newer one is current already.
      Thread.onSpinWait();
    }
  }

  /** Retires the current pipeline; it closes once its running batches are done. */
  @Override
  public void close() {
    CompiledPipeline p = current.get();
    if (p != null) {
      p.retire();
    }
  }
}
