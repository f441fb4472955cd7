package io.tributary.benchmarks;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tributary.api.Item;
import io.tributary.benchmarks.ingest.Bodies;
import io.tributary.gateway.TraceCodec;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's OTLP codec without HTTP: a 100-span protobuf request (the ingest benchmark's
 * bodies) decoded into items, enriched a little (a request id per span, a resource tag — what
 * changes a span, as the default pipeline does), and turned back into an encoded request, by the
 * two paths of {@link TraceCodec}: through protobuf builders then {@code toByteArray}, or written
 * from the request's own bytes. {@code decodeOnly} is the part both share. ns per span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GatewayCodecBenchmark {

  static final int SPANS = 100;

  private List<byte[]> bodies;
  private CompiledPipeline pipeline;
  private int next;

  @Setup
  public void setUp() {
    bodies = Bodies.build(16, SPANS, 42);
    pipeline = PipelineCompiler.builder(ProcessorRegistry.of(List.of())).build().compile("dev", 1, PipelineSpec.empty());
  }

  private byte[] nextBody() {
    byte[] body = bodies.get(next);
    next = (next + 1) % bodies.size();
    return body;
  }

  TraceCodec.Decoded decode(byte[] body, boolean keepWire) {
    try {
      return TraceCodec.decode(body, keepWire);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private Batch enrich(TraceCodec.Decoded e) {
    for (Item item : e.items()) {
      item.attributes().put("request.id", "0190f0b8-7c39-7cc1-8a6e-" + item.spanId().substring(4));
      item.resource().put("deployment.environment.name", "prod");
    }
    Batch batch = Batch.of(e.items());
    pipeline.run(batch);
    return batch;
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public TraceCodec.Decoded decodeOnly() {
    return decode(nextBody(), true);
  }

  /** Decode, enrich, rebuild through builders, encode. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public byte[] builderPath() {
    TraceCodec.Decoded e = decode(nextBody(), false);
    return e.encode(enrich(e), true);
  }

  /** Decode, enrich, write from the request's bytes. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public byte[] wirePath() {
    TraceCodec.Decoded e = decode(nextBody(), true);
    return e.encode(enrich(e), true);
  }
}
