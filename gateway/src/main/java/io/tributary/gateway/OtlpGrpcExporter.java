package io.tributary.gateway;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;

/**
 * Sends enriched telemetry over OTLP/gRPC to {@code host:port}, plaintext or TLS. Retries as the
 * OTLP specification says for gRPC: UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ABORTED,
 * OUT_OF_RANGE and DATA_LOSS with backoff; RESOURCE_EXHAUSTED when the server sends a {@code
 * google.rpc.RetryInfo}, after its delay. RESOURCE_EXHAUSTED without one (a message over the
 * server's size limit) halves a request of several envelopes; every other code fails at once.
 */
final class OtlpGrpcExporter extends OtlpExporter {

  private final String target;
  private final ManagedChannel channel;

  /** @param url {@code http://host:port} or {@code https://host:port} (as {@link ExporterSpec} makes it) */
  OtlpGrpcExporter(String url, Duration maxRetryTime, X509TrustManager trust) {
    super(maxRetryTime);
    URI uri = URI.create(url);
    boolean tls = "https".equals(uri.getScheme());
    this.target = uri.getHost() + ":" + uri.getPort();
    ChannelCredentials credentials;
    if (!tls) {
      credentials = InsecureChannelCredentials.create();
    } else if (trust == null) {
      credentials = TlsChannelCredentials.create();
    } else {
      credentials = TlsChannelCredentials.newBuilder().trustManager(trust).build();
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
        : uri.getHost();
    this.channel = NettyChannelBuilder.forAddress(host, uri.getPort(), credentials)
        .maxInboundMessageSize(1 << 20)
        .keepAliveTime(1, TimeUnit.MINUTES)
        .build();
  }

  @Override
  public String name() {
    return "otlp-grpc";
  }

  @Override
  String destination(Signal signal) {
    return target + " (" + signal.grpcService() + ")";
  }

  @Override
  Attempt send(Signal signal, List<byte[]> parts, Duration timeout) {
    byte[] request = concatenate(parts);
    try {
      byte[] response = ClientCalls.blockingUnaryCall(channel, OtlpGrpc.export(signal),
          CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), request);
      return Attempt.delivered(response);
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      String failure = "gRPC " + status.getCode() + (status.getDescription() == null ? "" : " (" + status.getDescription()
          + ")") + " from " + destination(signal);
      switch (status.getCode()) {
        case UNAVAILABLE:
        case CANCELLED:
        case DEADLINE_EXCEEDED:
        case ABORTED:
        case OUT_OF_RANGE:
        case DATA_LOSS:
          return Attempt.retry(failure, OtlpGrpc.retryDelay(e.getTrailers()).orElse(null));
        case RESOURCE_EXHAUSTED: {
          Optional<Duration> delay = OtlpGrpc.retryDelay(e.getTrailers());
          return delay.isPresent() ? Attempt.retry(failure, delay.get()) : Attempt.tooLarge(failure);
        }
        default:
          return Attempt.failed(failure);
      }
    }
  }

  private static byte[] concatenate(List<byte[]> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int size = 0;
    for (byte[] p : parts) {
      size += p.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Closes the channel (the export thread has stopped). */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.shutdownNow();
    }
  }
}
