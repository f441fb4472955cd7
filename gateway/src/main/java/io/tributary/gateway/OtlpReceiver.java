package io.tributary.gateway;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP receiver: {@code POST /v1/traces}, {@code /v1/logs}, {@code /v1/metrics} with
 * {@code application/x-protobuf} or {@code application/json} bodies, optionally gzip-compressed.
 *
 * <p>Answers as the OTLP specification says: 200 with the Export*ServiceResponse (partial success
 * counts when items were rejected), 400 for an undecodable body, 413 over {@link
 * #MAX_BODY_BYTES}, 415 for another content type, 429 (queue full) or 503 (stopping) with {@code
 * Retry-After}. Errors carry a {@code google.rpc.Status} in the request's encoding. The response
 * is sent once the items are queued, not once exported.
 *
 * <p>Memory is bounded in bytes before the queue as well as in it: the requests being read,
 * decoded and enriched at once may hold at most {@link #MAX_IN_FLIGHT_BYTES} (bodies counted as
 * they are read, inflated bodies included, and what they decode to as it grows); a request that
 * finds no room within the gateway's admission wait hears 429 before it is read or decoded further. At most {@link #MAX_CONNECTIONS} connections are open
 * at once; further ones wait in the operating system's accept queue.
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpReceiver.class);
  /** The largest body accepted, compressed or not (a gzip body is also limited after inflating). */
  public static final int MAX_BODY_BYTES = 8 << 20;
  /** How much of a refused body is read (and dropped) so that the client hears the refusal. */
  static final long DISCARD_MAX_BYTES = 8L * MAX_BODY_BYTES;
  /** Where refused bodies are read into; what it holds is never looked at, so threads share it. */
  private static final byte[] DISCARDED = new byte[16 * 1024];
  /**
   * The most bytes held by requests being read, decoded or enriched at once: their bodies
   * (compressed and inflated), and an estimate of what they decode to, reserved as it grows
   * ({@link WireDecoder#BYTES_PER_ITEM}): five times the body plus 512 bytes an item.
   */
  public static final long MAX_IN_FLIGHT_BYTES = 128L << 20;
  /** The most connections open at once. */
  public static final int MAX_CONNECTIONS = 512;
  /** Seconds a throttled client is asked to wait. */
  static final int RETRY_AFTER_SECONDS = 1;
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  // google.rpc.Code values used in the error bodies.
  private static final int INVALID_ARGUMENT = 3;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int UNAVAILABLE = 14;

  private final Gateway gateway;
  private final Javalin javalin;
  /** {@link #MAX_IN_FLIGHT_BYTES} in KiB. */
  private final Semaphore inFlight = new Semaphore((int) (MAX_IN_FLIGHT_BYTES >> 10));

  private OtlpReceiver(Gateway gateway, Javalin javalin) {
    this.gateway = gateway;
    this.javalin = javalin;
  }

  /** Starts listening on {@code port} (0 = any free port) of every interface. */
  public static OtlpReceiver start(Gateway gateway, int port, Duration drainTimeout) {
    return start(gateway, null, port, drainTimeout);
  }

  /** Starts listening on {@code port} (0 = any free port) of {@code host} (null: every interface). */
  public static OtlpReceiver start(Gateway gateway, String host, int port, Duration drainTimeout) {
    Objects.requireNonNull(gateway, "gateway");
    OtlpReceiver[] self = new OtlpReceiver[1];
    Javalin javalin = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.http.maxRequestSize = MAX_BODY_BYTES + 1L;
      cfg.jetty.modifyServer(server -> {
        server.setHandler(new GracefulHandler());
        server.setStopTimeout(drainTimeout.toMillis());
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
      });
      for (Signal signal : Signal.values()) {
        cfg.routes.post(signal.path(), ctx -> self[0].handle(signal, ctx));
      }
    });
    self[0] = new OtlpReceiver(gateway, javalin);
    if (host == null) {
      javalin.start(port);
    } else {
      javalin.start(host, port);
    }
    LOG.info("OTLP/HTTP receiver listening on http://localhost:{}/ (/v1/traces, /v1/logs, /v1/metrics)", javalin.port());
    return self[0];
  }

  /** The port the receiver is bound to. */
  public int port() {
    return javalin.port();
  }

  private void handle(Signal signal, Context ctx) throws IOException {
    try (Reservation reservation = new Reservation()) {
      handle(signal, ctx, reservation);
    }
  }

  private void handle(Signal signal, Context ctx, Reservation reservation) throws IOException {
    String type = mediaType(ctx.header("Content-Type"));
    boolean json = JSON.equals(type);
    if (!json && !PROTOBUF.equals(type)) {
      error(ctx, true, 415, INVALID_ARGUMENT, "Content-Type must be " + PROTOBUF + " or " + JSON + ", not '"
          + ctx.header("Content-Type") + "'");
      return;
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      refuseUnread(ctx);
      error(ctx, json, 413, INVALID_ARGUMENT, "Body of " + declared + " bytes is over the limit of " + MAX_BODY_BYTES);
      return;
    }
    byte[] body;
    try {
      body = read(ctx.req().getInputStream(), declared, reservation, 0);
      String encoding = ctx.header("Content-Encoding");
      if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.strip())) {
        if (!"gzip".equalsIgnoreCase(encoding.strip())) {
          error(ctx, json, 415, INVALID_ARGUMENT, "Content-Encoding '" + encoding + "' is not supported (gzip is)");
          return;
        }
        body = read(new GZIPInputStream(new java.io.ByteArrayInputStream(body)), -1, reservation, body.length);
      }
    } catch (Busy e) {
      refuseUnread(ctx);
      gateway.throttledUndecoded(signal);
      askToRetry(ctx, json, Gateway.Admission.FULL);
      return;
    } catch (TooLarge e) {
      refuseUnread(ctx);
      error(ctx, json, 413, INVALID_ARGUMENT, "Body is over the limit of " + MAX_BODY_BYTES + " bytes");
      return;
    } catch (IOException e) {
      error(ctx, json, 400, INVALID_ARGUMENT, "Cannot read the body: " + e.getMessage());
      return;
    }
    // Refuse cheaply when the queue is (all but) full: decoding a request only to refuse it would
    // spend the CPU the queue is waiting for.
    Gateway.Admission early = gateway.precheck();
    if (early != Gateway.Admission.ACCEPTED) {
      if (early == Gateway.Admission.FULL || early == Gateway.Admission.UNAVAILABLE) {
        gateway.throttledUndecoded(signal);
      }
      askToRetry(ctx, json, early);
      return;
    }
    Envelope envelope;
    try {
      envelope = decode(signal, json, body, reservation);
    } catch (OtlpJson.FormatException | InvalidProtocolBufferException e) {
      error(ctx, json, 400, INVALID_ARGUMENT, "Undecodable " + signal.label() + " request: " + e.getMessage());
      return;
    } catch (Busy e) {
      gateway.throttledUndecoded(signal);
      askToRetry(ctx, json, Gateway.Admission.FULL);
      return;
    } catch (TooLarge e) {
      error(ctx, json, 413, INVALID_ARGUMENT, "The request decodes to more than the " + (MAX_IN_FLIGHT_BYTES >> 20)
          + " MiB the gateway holds for requests in flight; send smaller batches");
      return;
    }
    Gateway.Admission verdict = gateway.submit(envelope);
    switch (verdict) {
      case ACCEPTED:
        respond(ctx, json, 200, signal.response(envelope.rejected, envelope.rejectionMessage));
        return;
      case TOO_LARGE:
        error(ctx, json, 413, INVALID_ARGUMENT, envelope.size() + " items in one request: more than the gateway's"
            + " whole queue holds, in items or in bytes once encoded; send smaller batches");
        return;
      default:
        askToRetry(ctx, json, verdict);
    }
  }

  /**
   * The request's items, by the fast path where it applies, else by the reference path (JSON,
   * line-writing exporters, and whatever the fast path leaves to protobuf-java, which then also
   * answers malformed bytes). What the request decodes to is held against the in-flight budget
   * too: as it grows on the fast path, once decoded on the reference path.
   */
  private Envelope decode(Signal signal, boolean json, byte[] body, Reservation reservation)
      throws IOException, OtlpJson.FormatException {
    Envelope envelope = json || !gateway.encodesFromWire() ? null : WireDecoder.decode(signal, body, reservation::cover);
    if (envelope != null) {
      return envelope;
    }
    Message request;
    if (json) {
      Message.Builder b = signal.newRequestBuilder();
      OtlpJson.merge(body, b);
      request = b.build();
    } else {
      request = signal.parseRequest(body);
    }
    envelope = OtlpItems.toItems(signal, request);
    reservation.cover((1L + WireDecoder.BYTES_PER_BODY_BYTE) * body.length
        + 2L * WireDecoder.BYTES_PER_ITEM * envelope.size());
    return envelope;
  }

  /**
   * 429 for a full queue, 503 for a stopping gateway or a pipeline that does not compile, all with
   * Retry-After.
   */
  private void askToRetry(Context ctx, boolean json, Gateway.Admission verdict) throws IOException {
    ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    if (verdict == Gateway.Admission.UNAVAILABLE) {
      String why = gateway.refusal();
      error(ctx, json, 503, UNAVAILABLE, "This node accepts no telemetry: "
          + (why == null ? "its pipeline does not compile" : why)
          + "; nothing was accepted: retry on another node or later (GET /api/v1/health says more)");
    } else if (verdict == Gateway.Admission.CLOSED) {
      error(ctx, json, 503, UNAVAILABLE, "The gateway is shutting down; retry on another node or later");
    } else {
      error(ctx, json, 429, RESOURCE_EXHAUSTED, "The gateway's queue is full; retry later");
    }
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  private static final class TooLarge extends IOException {
    TooLarge() {
      super("too large");
    }
  }

  /** No room for the body within the admission wait. */
  private static final class Busy extends IOException {
    Busy() {
      super("busy");
    }
  }

  /** One request's share of {@link #MAX_IN_FLIGHT_BYTES}, given back when the request is answered. */
  private final class Reservation implements AutoCloseable {
    private int kib;

    /**
     * Makes sure {@code bytes} are reserved, waiting up to the admission wait for room.
     *
     * @throws TooLarge if {@code bytes} are more than the whole budget: waiting would not help
     * @throws Busy if there is no room within the admission wait
     */
    void cover(long bytes) throws Busy, TooLarge {
      if (bytes > MAX_IN_FLIGHT_BYTES) {
        throw new TooLarge();
      }
      int more = (int) ((bytes + 1023) >> 10) - kib;
      if (more <= 0) {
        return;
      }
      try {
        if (!inFlight.tryAcquire(more) && !inFlight.tryAcquire(more, gateway.admissionWait().toNanos(),
            TimeUnit.NANOSECONDS)) {
          throw new Busy();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Busy();
      }
      kib += more;
    }

    @Override
    public void close() {
      inFlight.release(kib);
      kib = 0;
    }
  }

  /**
   * Reads a body of {@code declared} bytes (its Content-Length), or of unknown length when negative,
   * reserving its bytes (beyond {@code alreadyHeld}, which the caller holds too) as they come.
   */
  private static byte[] read(InputStream in, long declared, Reservation reservation, long alreadyHeld)
      throws IOException {
    try (in) {
      if (declared >= 0) {
        reservation.cover(alreadyHeld + declared);
        // Read straight into an array of the right size: no growing, no copying.
        byte[] body = in.readNBytes((int) declared);
        if (body.length < declared) {
          throw new IOException("the body ended after " + body.length + " of its " + declared + " bytes");
        }
        return body;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (out.size() + n > MAX_BODY_BYTES) {
          throw new TooLarge();
        }
        // The stream's buffer may hold up to twice what it was given.
        reservation.cover(alreadyHeld + 2L * (out.size() + n));
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  /**
   * Before answering a request whose body is left unread: reads the rest of it into nothing (up to
   * {@link #DISCARD_MAX_BYTES}; never held, and each read bounded by the idle timeout), and closes
   * the connection after the answer. Closing a socket with unread bytes in it resets the
   * connection, and a client still sending then loses the 413 or 429 and sees only a broken pipe,
   * which it cannot tell from a crash.
   */
  private static void refuseUnread(Context ctx) {
    ctx.header("Connection", "close");
    try (InputStream in = ctx.req().getInputStream()) {
      long left = DISCARD_MAX_BYTES;
      int n;
      while (left > 0 && (n = in.read(DISCARDED, 0, (int) Math.min(DISCARDED.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException e) {
      // The client went away or stalled: the answer cannot reach it anyway.
    }
  }

  private static void respond(Context ctx, boolean json, int status, Message message) throws IOException {
    ctx.status(status);
    if (json) {
      send(ctx, JSON, OtlpJson.toJsonText(message).getBytes(StandardCharsets.UTF_8));
    } else {
      send(ctx, PROTOBUF, message.toByteArray());
    }
  }

  private static void error(Context ctx, boolean json, int status, int code, String message) throws IOException {
    ctx.status(status);
    if (json) {
      send(ctx, JSON, statusJson(code, message).getBytes(StandardCharsets.UTF_8));
    } else {
      send(ctx, PROTOBUF, statusProto(code, message));
    }
  }

  /** Writes a small body straight to the response (Javalin's result() copies it through a stream). */
  private static void send(Context ctx, String contentType, byte[] body) throws IOException {
    ctx.contentType(contentType);
    ctx.res().setContentLength(body.length);
    ctx.res().getOutputStream().write(body);
  }

  private static String statusJson(int code, String message) {
    return OtlpJson.MAPPER.createObjectNode().put("code", code).put("message", message).toString();
  }

  /** A {@code google.rpc.Status} (code = 1, message = 2), encoded by hand: the class is not shipped. */
  static byte[] statusProto(int code, String message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops accepting requests and waits for those in flight. */
  @Override
  public void close() {
    javalin.stop();
  }
}
