package io.tributary.gateway;

import io.grpc.InsecureServerCredentials;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC receiver: {@code TraceService}, {@code LogsService} and {@code MetricsService}
 * {@code Export}, plaintext or TLS (mutual TLS when a client CA is given), gzip-compressed or not.
 *
 * <p>A request's bytes go through the same {@link Intake} as an OTLP/HTTP body: the same in-flight
 * budget, fast path, pipeline, queue and exporters. Answers as the OTLP specification's gRPC table
 * says: OK with the Export*ServiceResponse (partial success when items were rejected);
 * INVALID_ARGUMENT for undecodable data; RESOURCE_EXHAUSTED with a {@code google.rpc.RetryInfo}
 * when the queue is full (retryable); RESOURCE_EXHAUSTED without one for a message over the size
 * limit or a request larger than the whole queue (not retryable as it is); UNAVAILABLE while
 * stopping or while the node's pipeline does not compile.
 *
 * <p>Bounds: messages of at most {@link Options#maxMessageBytes()} (after inflating); calls in
 * progress at once, over every connection, at most {@link #MAX_CALL_BYTES} divided by that size
 * (32 with 4 MiB messages: grpc-java may buffer a whole message for each, before the gateway's
 * in-flight budget sees it), further calls refused at once with RESOURCE_EXHAUSTED and a retry
 * delay, before their messages are read; at most {@link #MAX_CALLS_PER_CONNECTION} calls at once
 * on one connection, {@link #HANDLER_THREADS}
 * calls handled at once (the rest wait, their bytes unread, under HTTP/2 flow control), TLS
 * handshakes within {@link #HANDSHAKE_TIMEOUT}, a call's message within {@link #MESSAGE_TIMEOUT} of
 * its headers, idle connections closed after {@link #MAX_IDLE}.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);
  /** The default largest message (4 MiB, as grpc's own default and the Collector's). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 << 20;
  /** The largest message the setting may allow: a message is held whole while it is decoded. */
  public static final int MAX_MAX_MESSAGE_BYTES = 64 << 20;
  static final int MAX_CALLS_PER_CONNECTION = 64;
  /** Room for the messages of calls in progress: each call holds the largest message's worth. */
  static final long MAX_CALL_BYTES = Intake.MAX_IN_FLIGHT_BYTES;
  static final int HANDLER_THREADS = 64;
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_IDLE = Duration.ofMinutes(5);
  /**
   * How long a call may take to deliver its message once its headers came (as long as an
   * OTLP/HTTP connection may stay silent): a call that holds room and sends nothing is ended.
   */
  static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How the receiver listens.
   *
   * @param maxMessageBytes the largest request message, after inflating
   * @param drainTimeout how long closing waits for calls in flight
   * @param tls the certificate (and client CA) to serve TLS with; null for plaintext
   */
  public record Options(int maxMessageBytes, Duration drainTimeout, ServerTls tls) {
    public Options {
      if (maxMessageBytes < 1024 || maxMessageBytes > MAX_MAX_MESSAGE_BYTES) {
        throw new IllegalArgumentException("the largest gRPC message must be 1 KiB to "
            + (MAX_MAX_MESSAGE_BYTES >> 20) + " MiB, not " + maxMessageBytes + " bytes");
      }
      Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /** Plaintext, 4 MiB messages. */
    public static Options defaults(Duration drainTimeout) {
      return new Options(DEFAULT_MAX_MESSAGE_BYTES, drainTimeout, null);
    }
  }

  private final Gateway gateway;
  private final Intake intake;
  private final Options options;
  private final ThreadPoolExecutor handlers;
  /** {@link #MAX_CALL_BYTES} in KiB. */
  private final Semaphore callRoom = new Semaphore((int) (MAX_CALL_BYTES >> 10));
  private Server server;

  private final Duration messageTimeout;
  private final java.util.concurrent.ScheduledExecutorService timer;

  private OtlpGrpcReceiver(Gateway gateway, Options options, Duration messageTimeout) {
    this.messageTimeout = messageTimeout;
    this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "otlp-grpc-timer");
      t.setDaemon(true);
      return t;
    });
    this.gateway = gateway;
    this.intake = gateway.intake();
    this.options = options;
    AtomicInteger n = new AtomicInteger();
    this.handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "otlp-grpc-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    handlers.allowCoreThreadTimeOut(true);
  }

  /**
   * Starts listening on {@code port} (0 = any free port) of {@code host} (null: every interface).
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static OtlpGrpcReceiver start(Gateway gateway, String host, int port, Options options) {
    return start(gateway, host, port, options, MESSAGE_TIMEOUT);
  }

  /** As {@link #start(Gateway, String, int, Options)}, with another message timeout (tests). */
  static OtlpGrpcReceiver start(Gateway gateway, String host, int port, Options options, Duration messageTimeout) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(options, "options");
    OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(gateway, options, messageTimeout);
    ServerCredentials credentials = options.tls() == null ? InsecureServerCredentials.create()
        : options.tls().grpcCredentials();
    InetSocketAddress address = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address, credentials)
        .executor(receiver.handlers)
        .maxInboundMessageSize(options.maxMessageBytes())
        .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
        .handshakeTimeout(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionIdle(MAX_IDLE.toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .intercept(receiver.new CallAdmission());
    for (Signal signal : Signal.values()) {
      builder.addService(ServerServiceDefinition.builder(signal.grpcService())
          .addMethod(OtlpGrpc.receive(signal), ServerCalls.asyncUnaryCall(
              (OtlpGrpc.Received request, StreamObserver<byte[]> answer) -> receiver.handle(signal, request, answer)))
          .build());
    }
    try {
      receiver.server = builder.build().start();
    } catch (IOException e) {
      receiver.handlers.shutdown();
      receiver.timer.shutdown();
      throw new UncheckedIOException("Cannot listen for OTLP/gRPC on " + (host == null ? "" : host) + ":" + port
          + ": " + e.getMessage(), e);
    }
    LOG.info("OTLP/gRPC receiver listening on port {} ({})", receiver.port(),
        options.tls() == null ? "plaintext" : options.tls().describe());
    return receiver;
  }

  /** The port the receiver is bound to. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The room left for the messages of calls in progress, in bytes. */
  long callRoomLeft() {
    return (long) callRoom.availablePermits() << 10;
  }

  /** Whether the receiver serves TLS. */
  public boolean tls() {
    return options.tls() != null;
  }

  private void handle(Signal signal, OtlpGrpc.Received received, StreamObserver<byte[]> answer) {
    if (received.failure() != null) {
      answer.onError(received.failure().asRuntimeException());
      return;
    }
    byte[] request = received.bytes();
    Intake.Outcome outcome;
    try (Intake.Reservation reservation = intake.reserve()) {
      try {
        reservation.cover(request.length);
        outcome = intake.accept(signal, false, request, reservation);
      } catch (Intake.Busy e) {
        intake.throttledUndecoded(signal);
        outcome = intake.refused(Gateway.Admission.FULL);
      } catch (Intake.TooLarge e) {
        outcome = new Intake.Outcome(Intake.Kind.TOO_LARGE, null, "The request is larger than the gateway holds");
      }
    }
    switch (outcome.kind()) {
      case ACCEPTED:
        answer.onNext(signal.response(outcome.envelope().rejected, outcome.envelope().rejectionMessage).toByteArray());
        answer.onCompleted();
        return;
      case UNDECODABLE:
        answer.onError(Status.INVALID_ARGUMENT.withDescription(outcome.message()).asRuntimeException());
        return;
      case TOO_LARGE:
        answer.onError(Status.RESOURCE_EXHAUSTED.withDescription(outcome.message()).asRuntimeException());
        return;
      case FULL: {
        Status status = Status.RESOURCE_EXHAUSTED.withDescription(outcome.message());
        Metadata trailers = OtlpGrpc.retryAfter(status, Duration.ofSeconds(OtlpReceiver.RETRY_AFTER_SECONDS));
        answer.onError(status.asRuntimeException(trailers));
        return;
      }
      default:
        answer.onError(Status.UNAVAILABLE.withDescription(outcome.message()).asRuntimeException());
    }
  }

  /**
   * Admits a call only while there is room for its message among the calls in progress; refuses
   * it otherwise before a byte of its message is read (RESOURCE_EXHAUSTED, retry after a second).
   */
  private static final int WAITING = 0;
  private static final int RECEIVED = 1;
  private static final int TIMED_OUT = 2;

  private final class CallAdmission implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      int kib = (options.maxMessageBytes() + 1023) >> 10;
      if (!callRoom.tryAcquire(kib)) {
        Signal signal = Signal.ofGrpcService(call.getMethodDescriptor().getServiceName());
        if (signal != null) {
          intake.throttledUndecoded(signal);
        }
        Status status = Status.RESOURCE_EXHAUSTED.withDescription("Too many calls in progress on this node;"
            + " retry later");
        call.close(status, OtlpGrpc.retryAfter(status, Duration.ofSeconds(OtlpReceiver.RETRY_AFTER_SECONDS)));
        return new ServerCall.Listener<>() {};
      }
      AtomicBoolean held = new AtomicBoolean(true);
      Runnable release = () -> {
        if (held.compareAndSet(true, false)) {
          callRoom.release(kib);
        }
      };
      ServerCall<Q, R> guarded = new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(call) {
        @Override
        public void close(Status status, Metadata trailers) {
          release.run();
          super.close(status, trailers);
        }
      };
      ServerCall.Listener<Q> listener;
      try {
        listener = next.startCall(guarded, headers);
      } catch (RuntimeException e) {
        release.run();
        throw e;
      }
      // The message must come within the timeout; a call that times out is ended here, and what
      // it sends later is ignored. Whichever comes first, message or timeout, wins.
      AtomicInteger state = new AtomicInteger(WAITING);
      java.util.concurrent.ScheduledFuture<?> timeout = timer.schedule(() -> {
        if (state.compareAndSet(WAITING, TIMED_OUT)) {
          guarded.close(Status.DEADLINE_EXCEEDED.withDescription("The request's message did not arrive within "
              + messageTimeout.toSeconds() + " s of its headers"), new Metadata());
        }
      }, messageTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>(listener) {
        @Override
        public void onMessage(Q message) {
          if (state.compareAndSet(WAITING, RECEIVED)) {
            timeout.cancel(false);
          }
          if (state.get() == RECEIVED) {
            super.onMessage(message);
          }
        }

        @Override
        public void onHalfClose() {
          if (state.compareAndSet(WAITING, RECEIVED)) {
            timeout.cancel(false); // half-closed without a message: the handler answers that
          }
          if (state.get() == RECEIVED) {
            super.onHalfClose();
          }
        }

        @Override
        public void onCancel() {
          timeout.cancel(false);
          release.run();
          super.onCancel();
        }

        @Override
        public void onComplete() {
          timeout.cancel(false);
          release.run();
          super.onComplete();
        }
      };
    }
  }

  /** Stops accepting calls, waits up to the drain timeout for those in flight, then ends the rest. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(options.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      handlers.shutdownNow();
      timer.shutdownNow();
    }
  }
}
