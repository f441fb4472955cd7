package io.tributary.benchmarks.ingest;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends trace batches over OTLP/gRPC ({@code TraceService/Export}), one channel (one HTTP/2
 * connection) per sender thread, as the OTLP/HTTP load keeps one connection per thread.
 */
final class GrpcSender implements IngestLoad.Sender, AutoCloseable {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  private static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

  private final ManagedChannel[] channels;

  GrpcSender(int port, int connections) {
    channels = new ManagedChannel[connections];
    for (int i = 0; i < connections; i++) {
      channels[i] = NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }
  }

  @Override
  public boolean send(int connection, byte[] body) {
    try {
      ClientCalls.blockingUnaryCall(channels[connection % channels.length], EXPORT,
          CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), body);
      return true;
    } catch (StatusRuntimeException e) {
      return false; // RESOURCE_EXHAUSTED (queue full) or UNAVAILABLE: counted as refused
    }
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }
}
