package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway over a disk queue: what it accepted and did not export is exported by the next start. */
class DiskQueueTest {

  @TempDir Path dir;

  private static Gateway.Settings settings(long maxBytes) {
    return new Gateway.Settings(1_000_000, maxBytes, true, 10, Duration.ofMillis(500), Duration.ofSeconds(1),
        1 << 20, Duration.ZERO, Gateway.QueueKind.DISK, Gateway.QueueSync.FSYNC);
  }

  private Gateway gateway(Gateway.Settings settings, Exporter exporter) throws Exception {
    PipelineHolder holder = new PipelineHolder("dev", PipelineCompiler.builder(ProcessorRegistry.of(List.of()))
        .build().compile("dev", 7, PipelineSpec.empty()));
    ExportQueue queue = new ExportQueue.Disk(SegmentLog.open(dir.resolve("queue"), 1 << 20, SegmentLog.Sync.FSYNC,
        QueuedRecord::items));
    return new Gateway("dev", () -> holder, settings, List.of(exporter),
        new RotatingJsonlFile(dir.resolve("dead-letter"), "dead-letter", 1 << 20, Clock.systemUTC()),
        new SimpleMeterRegistry(), Clock.systemUTC(), queue);
  }

  private static byte[] request(String prefix, int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(Span.newBuilder().setName(prefix + "-" + i)
          .setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
          .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) (i + 1)})));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
        .build().toByteArray();
  }

  private static Gateway.Admission submit(Gateway gateway, byte[] request) throws Exception {
    return gateway.submit(WireDecoder.decode(Signal.TRACES, request));
  }

  /**
   * An exporter whose downstream is down: it retries, as the OTLP exporters do, until the gateway
   * gives up (stopping), then fails.
   */
  private static class Down implements Exporter {
    volatile int attempts;

    @Override
    public String name() {
      return "down";
    }

    @Override
    public void export(List<Envelope> envelopes, Context context) throws ExportException {
      attempts++;
      while (!context.giveUp()) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new ExportException("connection refused after retrying");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> traces(Gateway gateway) {
    return (Map<String, Object>) ((Map<String, Object>) gateway.stats().get("signals")).get("traces");
  }

  private static List<String> names(List<Envelope> exported) {
    List<String> out = new ArrayList<>();
    for (Envelope e : exported) {
      ((ExportTraceServiceRequest) e.request()).getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
          .forEach(ss -> ss.getSpansList().forEach(sp -> out.add(sp.getName()))));
    }
    return out;
  }

  @Test
  void what_a_stopped_node_accepted_and_could_not_export_is_exported_first_by_the_next_start() throws Exception {
    Down down = new Down();
    Gateway first = gateway(settings(64 << 20), down);
    for (int r = 0; r < 20; r++) {
      assertThat(submit(first, request("r" + r, 5))).isEqualTo(Gateway.Admission.ACCEPTED);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (down.attempts == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Map<String, Object> stats = first.stats();
    assertThat(stats.get("queue")).isEqualTo("disk");
    assertThat((Long) stats.get("queuedBytes")).isPositive();
    first.close(); // the downstream is still down: nothing is dead-lettered, everything stays queued
    assertThat(traces(first).get("deadLettered")).isEqualTo(0L);
    assertThat(traces(first).get("lost")).isEqualTo(0L);
    assertThat(traces(first).get("received")).isEqualTo(100L);

    RecordingExporter recorder = new RecordingExporter();
    Gateway second = gateway(settings(64 << 20), recorder);
    try {
      assertThat(submit(second, request("new", 1))).isEqualTo(Gateway.Admission.ACCEPTED);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (names(recorder.exported).size() < 101 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      List<String> names = names(recorder.exported);
      assertThat(names).hasSize(101).doesNotHaveDuplicates();
      // Replayed first, in the order they were accepted; the new request after them.
      assertThat(names.get(0)).isEqualTo("r0-0");
      assertThat(names.get(99)).isEqualTo("r19-4");
      assertThat(names.get(100)).isEqualTo("new-0");
      assertThat(second.stats().get("replayed")).isEqualTo(100L);
      assertThat(second.stats().get("queueRecovery").toString()).contains("records=20").contains("problems=[]");
    } finally {
      second.close();
    }
    // A third start finds nothing left to send.
    RecordingExporter third = new RecordingExporter();
    Gateway again = gateway(settings(64 << 20), third);
    try {
      Thread.sleep(300);
      assertThat(third.exported).isEmpty();
      assertThat(again.stats().get("queuedBytes")).isEqualTo(0L);
    } finally {
      again.close();
    }
  }

  @Test
  void a_disk_queue_full_in_bytes_refuses_with_full_and_takes_again_once_drained() throws Exception {
    Down down = new Down();
    Gateway gateway = gateway(settings(16 << 10), down);
    try {
      int accepted = 0;
      Gateway.Admission verdict;
      while ((verdict = submit(gateway, request("fill" + accepted, 20))) == Gateway.Admission.ACCEPTED) {
        accepted++;
      }
      assertThat(verdict).isEqualTo(Gateway.Admission.FULL);
      assertThat(accepted).isPositive();
      assertThat((Long) gateway.stats().get("queuedBytes")).isLessThanOrEqualTo(16 << 10);
    } finally {
      gateway.close();
    }
  }

  @Test
  void a_disk_that_cannot_write_refuses_with_full_counts_nothing_and_says_so() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isWritable(Path.of("/dev/full")),
        "needs /dev/full, which answers every write with ENOSPC");
    // The segment file the queue will write is /dev/full: every write fails as on a full disk.
    java.nio.file.Files.createDirectories(dir.resolve("queue"));
    java.nio.file.Files.createSymbolicLink(dir.resolve("queue").resolve(String.format("%020d.seg", 0)),
        Path.of("/dev/full"));
    RecordingExporter recorder = new RecordingExporter();
    Gateway gateway = gateway(settings(64 << 20), recorder);
    try {
      assertThat(submit(gateway, request("nowhere", 5))).isEqualTo(Gateway.Admission.FULL);
      assertThat(submit(gateway, request("nowhere-again", 5))).isEqualTo(Gateway.Admission.FULL);
      assertThat(traces(gateway).get("received")).isEqualTo(0L);
      assertThat(traces(gateway).get("throttled")).isEqualTo(10L);
      assertThat(gateway.stats().get("queuedBytes")).isEqualTo(0L);
      assertThat(gateway.failingOutputs(true)).anySatisfy(o -> {
        assertThat(o.get("output")).isEqualTo("queue");
        assertThat(String.valueOf(o.get("problem"))).contains("writing to the disk queue failed");
      });
      Thread.sleep(200);
      assertThat(recorder.exported).isEmpty();
    } finally {
      gateway.close();
    }
  }

  @Test
  void lines_for_line_writing_exporters_survive_the_restart_too() throws Exception {
    Down down = new Down() {
      @Override
      public boolean writesLines() {
        return true;
      }
    };
    Gateway first = gateway(settings(64 << 20), down);
    assertThat(submit(first, request("lined", 3))).isEqualTo(Gateway.Admission.ACCEPTED);
    first.close();
    List<String> lines = new CopyOnWriteArrayList<>();
    Exporter writer = new Exporter() {
      @Override
      public String name() {
        return "lines";
      }

      @Override
      public boolean writesLines() {
        return true;
      }

      @Override
      public void export(List<Envelope> envelopes, Context context) {
        envelopes.forEach(e -> e.lines.forEach(l -> lines.add(l.text())));
      }
    };
    Gateway second = gateway(settings(64 << 20), writer);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (lines.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(lines).hasSize(3).allMatch(l -> l.contains("lined-") && l.contains("tributary.lineage"));
    } finally {
      second.close();
    }
  }
}
