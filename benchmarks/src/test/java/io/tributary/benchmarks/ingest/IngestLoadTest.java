package io.tributary.benchmarks.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator's parts: what it sends, how it reads CPU time, how it ranks latencies. */
class IngestLoadTest {

  @Test
  void bodies_are_decodable_requests_of_one_hundred_valid_spans_with_some_pii() throws Exception {
    List<byte[]> bodies = Bodies.build(4, IngestLoad.SPANS_PER_BATCH, 7);
    assertThat(bodies).hasSize(4);
    int emails = 0;
    for (byte[] body : bodies) {
      ExportTraceServiceRequest r = ExportTraceServiceRequest.parseFrom(body);
      List<Span> spans = r.getResourceSpans(0).getScopeSpans(0).getSpansList();
      assertThat(spans).hasSize(100);
      for (Span s : spans) {
        assertThat(s.getTraceId().size()).isEqualTo(16);
        assertThat(s.getSpanId().size()).isEqualTo(8);
        assertThat(s.getAttributesCount()).isEqualTo(10);
        emails += s.getAttributesList().stream().anyMatch(kv -> kv.getKey().equals("user.email")) ? 1 : 0;
      }
    }
    assertThat(emails).isBetween(20, 60); // about one span in ten of 400
    assertThat(Bodies.build(1, 10, 7).get(0)).isEqualTo(Bodies.build(1, 10, 7).get(0)); // seeded
  }

  @Test
  void the_null_receiver_reads_every_body_and_answers_200() throws Exception {
    NullReceiver receiver = NullReceiver.start(0);
    try {
      byte[] body = Bodies.build(1, IngestLoad.SPANS_PER_BATCH, 7).get(0);
      java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + receiver.port() + "/v1/traces"))
              .header("Content-Type", "application/x-protobuf")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
      assertThat(receiver.bytes()).isEqualTo(body.length);
    } finally {
      receiver.stop();
    }
  }

  @Test
  void gc_pauses_and_resident_memory_are_read_from_their_log_lines() {
    String log = "[1.002s][info][gc] Using G1\n"
        + "[2.345s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 3.456ms\n"
        + "[2.900s][info][gc] GC(4) Pause Young (Concurrent Start) (G1 Humongous Allocation) 40M->9M(256M) 12.5ms\n"
        + "[3.100s][info][gc] GC(4) Concurrent Mark Cycle 20.000ms\n"
        + "[4.000s][info][gc] GC(5) Pause Remark 30M->30M(256M) 1.000ms\n";
    GcLog.Pauses pauses = GcLog.parse(log);
    assertThat(pauses.count()).isEqualTo(3);
    assertThat(pauses.maxMs()).isEqualTo(12.5);
    assertThat(pauses.totalMs()).isEqualTo(16.956, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(ProcStat.statusField("Name:\tjava\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\n", "VmRSS:"))
        .isEqualTo(262144);
    assertThatThrownBy(() -> ProcStat.statusField("Name: java\n", "VmRSS:")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cpu_time_is_read_after_the_command_name_even_when_it_holds_spaces_and_parentheses() {
    String stat = "4242 (java (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 30 0 100 0";
    assertThat(ProcStat.parse(stat)).isEqualTo(300 * 10_000_000L);
    assertThatThrownBy(() -> ProcStat.parse("garbage")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void this_processes_cpu_time_grows_while_it_works() {
    long pid = ProcessHandle.current().pid();
    long before = ProcStat.cpuNanos(pid);
    long sink = 0;
    long until = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < until) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    assertThat(ProcStat.cpuNanos(pid)).isGreaterThan(before);
    assertThat(sink).isNotNegative();
  }

  @Test
  void wrk_reports_are_read_for_requests_refusals_and_duration() {
    String report = "Running 8s test @ http://localhost:4318/v1/traces\n  2 threads and 8 connections\n"
        + "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     2.10ms    1.00ms  20.00ms   90.00%\n"
        + "  12345 requests in 8.01s, 1.23MB read\n  Non-2xx or 3xx responses: 345\nRequests/sec:   1541.20\n";
    IngestLoad.WrkResult r = IngestLoad.WrkResult.parse(report);
    assertThat(r.requests()).isEqualTo(12345);
    assertThat(r.non2xx()).isEqualTo(345);
    assertThat(r.seconds()).isEqualTo(8.01);
    assertThat(IngestLoad.WrkResult.parse("  10 requests in 500.00ms, 1KB read").seconds()).isEqualTo(0.5);
    assertThatThrownBy(() -> IngestLoad.WrkResult.parse("unable to connect")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void percentiles_take_the_nearest_rank() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertThat(IngestLoad.Percentiles.of(sorted, 0.50)).isEqualTo(50);
    assertThat(IngestLoad.Percentiles.of(sorted, 0.99)).isEqualTo(99);
    assertThat(IngestLoad.Percentiles.of(new long[] {7}, 0.99)).isEqualTo(7);
    assertThat(IngestLoad.Percentiles.of(new long[0], 0.5)).isNaN();
  }
}
