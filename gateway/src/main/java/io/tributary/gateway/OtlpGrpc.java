package io.tributary.gateway;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the OTLP/gRPC receiver and exporter share: the three {@code Export} methods, carried as
 * bytes (the receiver hands them to the fast path as OTLP/HTTP's bodies are; the exporter sends
 * what enrichment encoded), and the {@code google.rpc.RetryInfo} a throttled call carries in its
 * status details.
 */
final class OtlpGrpc {

  private OtlpGrpc() {}

  /** The trailer that carries a {@code google.rpc.Status} with details. */
  static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final String RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo";

  /** A message's bytes as they are: no parsing on the way in or out. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return read(stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /**
   * A request as the receiver gets it: its bytes, or why they could not be read. grpc-java inflates
   * a compressed message only as it is read, and refuses one over the size limit only then; what
   * the reading throws is kept here, so the call is answered with its status (RESOURCE_EXHAUSTED,
   * INVALID_ARGUMENT), not UNKNOWN.
   */
  record Received(byte[] bytes, Status failure) {}

  private static final MethodDescriptor.Marshaller<Received> RECEIVED = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(Received value) {
      return new ByteArrayInputStream(value.bytes());
    }

    @Override
    public Received parse(InputStream stream) {
      try {
        return new Received(read(stream), null);
      } catch (io.grpc.StatusRuntimeException e) {
        return new Received(null, e.getStatus());
      } catch (IOException e) {
        return new Received(null, Status.INVALID_ARGUMENT.withDescription("The message cannot be read (inflated): "
            + e.getMessage()));
      }
    }
  };

  /** Reads a whole message. */
  private static byte[] read(InputStream stream) throws IOException {
    try (stream) {
      if (!(stream instanceof KnownLength)) {
        return stream.readAllBytes();
      }
      // grpc-java hands over a stream of known length: read it into an array of that size. (A
      // compressed message's length is known only once inflated: then it reads on.)
      int size = stream.available();
      byte[] bytes = stream.readNBytes(size);
      int next = stream.read();
      if (next < 0) {
        return bytes;
      }
      ByteArrayOutputStream rest = new ByteArrayOutputStream(size * 2 + 16);
      rest.write(bytes);
      rest.write(next);
      stream.transferTo(rest);
      return rest.toByteArray();
    }
  }

  private static final Map<Signal, MethodDescriptor<byte[], byte[]>> EXPORT = new EnumMap<>(Signal.class);
  private static final Map<Signal, MethodDescriptor<Received, byte[]>> RECEIVE = new EnumMap<>(Signal.class);

  static {
    for (Signal signal : Signal.values()) {
      String name = MethodDescriptor.generateFullMethodName(signal.grpcService(), "Export");
      EXPORT.put(signal, MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(name).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build());
      RECEIVE.put(signal, MethodDescriptor.<Received, byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(name).setRequestMarshaller(RECEIVED).setResponseMarshaller(BYTES).build());
    }
  }

  /** {@code <service>/Export} of the signal, as a client calls it. */
  static MethodDescriptor<byte[], byte[]> export(Signal signal) {
    return EXPORT.get(signal);
  }

  /** {@code <service>/Export} of the signal, as the receiver serves it. */
  static MethodDescriptor<Received, byte[]> receive(Signal signal) {
    return RECEIVE.get(signal);
  }

  /**
   * Trailers carrying a {@code google.rpc.Status} of {@code status}'s code and description, with a
   * {@code google.rpc.RetryInfo} detail asking the client to wait {@code delay}: the OTLP
   * specification's sign that a RESOURCE_EXHAUSTED call may be retried.
   */
  static Metadata retryAfter(Status status, Duration delay) {
    try {
      ByteArrayOutputStream duration = new ByteArrayOutputStream();
      CodedOutputStream d = CodedOutputStream.newInstance(duration);
      d.writeInt64(1, delay.getSeconds());
      if (delay.getNano() != 0) {
        d.writeInt32(2, delay.getNano());
      }
      d.flush();
      ByteArrayOutputStream retryInfo = new ByteArrayOutputStream();
      CodedOutputStream r = CodedOutputStream.newInstance(retryInfo);
      r.writeByteArray(1, duration.toByteArray());
      r.flush();
      ByteArrayOutputStream any = new ByteArrayOutputStream();
      CodedOutputStream a = CodedOutputStream.newInstance(any);
      a.writeString(1, RETRY_INFO_TYPE);
      a.writeByteArray(2, retryInfo.toByteArray());
      a.flush();
      ByteArrayOutputStream rpcStatus = new ByteArrayOutputStream();
      CodedOutputStream s = CodedOutputStream.newInstance(rpcStatus);
      s.writeInt32(1, status.getCode().value());
      if (status.getDescription() != null) {
        s.writeString(2, status.getDescription());
      }
      s.writeByteArray(3, any.toByteArray());
      s.flush();
      Metadata trailers = new Metadata();
      trailers.put(STATUS_DETAILS, rpcStatus.toByteArray());
      return trailers;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The retry delay a {@code google.rpc.RetryInfo} in the trailers asks for, if there is one. */
  static Optional<Duration> retryDelay(Metadata trailers) {
    byte[] details = trailers == null ? null : trailers.get(STATUS_DETAILS);
    if (details == null) {
      return Optional.empty();
    }
    try {
      CodedInputStream status = CodedInputStream.newInstance(details);
      for (int tag; (tag = status.readTag()) != 0; ) {
        if (WireFormat.getTagFieldNumber(tag) != 3 || WireFormat.getTagWireType(tag) != 2) {
          status.skipField(tag);
          continue;
        }
        CodedInputStream any = CodedInputStream.newInstance(status.readByteArray());
        String type = null;
        byte[] value = null;
        for (int t; (t = any.readTag()) != 0; ) {
          switch (t) {
            case (1 << 3) | 2 -> type = any.readStringRequireUtf8();
            case (2 << 3) | 2 -> value = any.readByteArray();
            default -> any.skipField(t);
          }
        }
        if (RETRY_INFO_TYPE.equals(type) && value != null) {
          return Optional.of(retryDelay(value));
        }
      }
    } catch (IOException e) {
      // Not a google.rpc.Status: no retry delay.
    }
    return Optional.empty();
  }

  private static Duration retryDelay(byte[] retryInfo) throws IOException {
    CodedInputStream info = CodedInputStream.newInstance(retryInfo);
    long seconds = 0;
    int nanos = 0;
    for (int tag; (tag = info.readTag()) != 0; ) {
      if (tag != ((1 << 3) | 2)) {
        info.skipField(tag);
        continue;
      }
      CodedInputStream duration = CodedInputStream.newInstance(info.readByteArray());
      for (int t; (t = duration.readTag()) != 0; ) {
        switch (t) {
          case (1 << 3) -> seconds = duration.readInt64();
          case (2 << 3) -> nanos = duration.readInt32();
          default -> duration.skipField(t);
        }
      }
    }
    // Held to a day and to whole nanoseconds: a hostile or broken server may send any int64.
    return Duration.ofSeconds(Math.min(Math.max(0, seconds), 86_400), Math.min(Math.max(0, nanos), 999_999_999));
  }
}
