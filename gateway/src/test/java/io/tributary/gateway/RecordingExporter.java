package io.tributary.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An exporter that records the envelopes it is given and, while {@link #gated}, holds the export
 * thread until {@link #open()} (so the queue fills); and a gateway with an empty pipeline around it.
 */
final class RecordingExporter implements Exporter {

  final List<Envelope> exported = new CopyOnWriteArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);
  volatile boolean gated;

  /** A gateway for {@code dev} with an empty pipeline, exporting to this, dead letters under {@code dir}. */
  Gateway gateway(Gateway.Settings settings, Path dir) {
    PipelineHolder holder = new PipelineHolder("dev", PipelineCompiler.builder(ProcessorRegistry.of(List.of()))
        .build().compile("dev", 7, PipelineSpec.empty()));
    return new Gateway("dev", () -> holder, settings, List.of(this),
        new RotatingJsonlFile(dir, "dead-letter", 1 << 20, Clock.systemUTC()), new SimpleMeterRegistry(),
        Clock.systemUTC());
  }

  /** Lets the held export thread (and every later export) go on. */
  void open() {
    gate.countDown();
  }

  @Override
  public String name() {
    return "test";
  }

  @Override
  public void export(List<Envelope> envelopes, Context context) {
    if (gated) {
      try {
        gate.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    exported.addAll(envelopes);
  }
}
