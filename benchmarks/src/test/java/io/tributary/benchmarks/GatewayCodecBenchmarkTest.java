package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tributary.gateway.TraceCodec;
import org.junit.jupiter.api.Test;

/** The smoke check CI runs: both codec paths work and encode the same request. */
class GatewayCodecBenchmarkTest {

  @Test
  void the_builder_path_and_the_wire_path_encode_the_same_request() throws Exception {
    GatewayCodecBenchmark a = new GatewayCodecBenchmark();
    a.setUp();
    GatewayCodecBenchmark b = new GatewayCodecBenchmark();
    b.setUp();
    GatewayCodecBenchmark c = new GatewayCodecBenchmark();
    c.setUp();
    assertThat(c.decodeOnly().items()).hasSize(GatewayCodecBenchmark.SPANS);
    for (int i = 0; i < 3; i++) {
      ExportTraceServiceRequest byBuilders = ExportTraceServiceRequest.parseFrom(a.builderPath());
      ExportTraceServiceRequest byWire = ExportTraceServiceRequest.parseFrom(b.wirePath());
      assertThat(byWire).isEqualTo(byBuilders);
      assertThat(byWire.getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(GatewayCodecBenchmark.SPANS);
      assertThat(byWire.getResourceSpans(0).getScopeSpans(0).getSpans(0).getAttributesList())
          .anyMatch(kv -> kv.getKey().equals("request.id"))
          .anyMatch(kv -> kv.getKey().equals(TraceCodec.LINEAGE_ATTRIBUTE));
    }
  }
}
