package io.tributary.gateway;

import com.google.protobuf.CodedOutputStream;
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
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP receiver: {@code POST /v1/traces}, {@code /v1/logs}, {@code /v1/metrics} with
 * {@code application/x-protobuf} or {@code application/json} bodies, plain or compressed with
 * gzip, deflate or zstd; over plain HTTP or TLS ({@link Options#tls()}).
 *
 * <p>Answers as the OTLP specification says: 200 with the Export*ServiceResponse (partial success
 * counts when items were rejected), 400 for an undecodable body, 413 over {@link
 * Options#maxBodyBytes()} (compressed or inflated), 415 for another content type or encoding, 429
 * (queue full) or 503 (stopping) with {@code Retry-After}. Errors carry a {@code google.rpc.Status}
 * in the request's encoding. The response is sent once the items are queued, not once exported.
 *
 * <p>Memory is bounded in bytes before the queue as well as in it: the requests being read,
 * decoded and enriched at once, over OTLP/HTTP and OTLP/gRPC together, may hold at most {@link
 * #MAX_IN_FLIGHT_BYTES} (bodies counted as they are read, inflated bodies included, and what they
 * decode to as it grows); a request that finds no room within the gateway's admission wait hears
 * 429 before it is read or decoded further. At most {@link #MAX_CONNECTIONS} connections are open
 * at once; further ones wait in the operating system's accept queue.
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpReceiver.class);
  /** The default largest body, compressed or not (a compressed body is also limited after inflating). */
  public static final int MAX_BODY_BYTES = 8 << 20;
  /** The largest body the setting may allow: a body is held whole while it is decoded. */
  public static final int MAX_MAX_BODY_BYTES = 64 << 20;
  /** How much of a refused body is read (and dropped) so that the client hears the refusal. */
  static final long DISCARD_MAX_BYTES = 64L << 20;
  /** Where refused bodies are read into; what it holds is never looked at, so threads share it. */
  private static final byte[] DISCARDED = new byte[16 * 1024];
  /**
   * The most bytes held by requests being read, decoded or enriched at once, by this receiver and
   * the OTLP/gRPC one together: their bodies (compressed and inflated), and an estimate of what
   * they decode to, reserved as it grows: five times the body plus 512 bytes an item.
   */
  public static final long MAX_IN_FLIGHT_BYTES = Intake.MAX_IN_FLIGHT_BYTES;
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

  /**
   * How the receiver listens.
   *
   * @param maxBodyBytes the largest body, compressed or once inflated
   * @param drainTimeout how long closing waits for requests in flight
   * @param tls the certificate (and client CA) to serve HTTPS with; null for plain HTTP
   */
  public record Options(int maxBodyBytes, Duration drainTimeout, ServerTls tls) {
    public Options {
      if (maxBodyBytes < 1024 || maxBodyBytes > MAX_MAX_BODY_BYTES) {
        throw new IllegalArgumentException("the largest OTLP/HTTP body must be 1 KiB to " + (MAX_MAX_BODY_BYTES >> 20)
            + " MiB, not " + maxBodyBytes + " bytes");
      }
      Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /** Plain HTTP, bodies up to {@link #MAX_BODY_BYTES}. */
    public static Options defaults(Duration drainTimeout) {
      return new Options(MAX_BODY_BYTES, drainTimeout, null);
    }
  }

  private final Gateway gateway;
  private final Intake intake;
  private final Javalin javalin;
  private final Options options;

  private OtlpReceiver(Gateway gateway, Javalin javalin, Options options) {
    this.gateway = gateway;
    this.intake = gateway.intake();
    this.javalin = javalin;
    this.options = options;
  }

  /** Starts listening on {@code port} (0 = any free port) of every interface. */
  public static OtlpReceiver start(Gateway gateway, int port, Duration drainTimeout) {
    return start(gateway, null, port, Options.defaults(drainTimeout));
  }

  /** Starts listening on {@code port} (0 = any free port) of {@code host} (null: every interface). */
  public static OtlpReceiver start(Gateway gateway, String host, int port, Duration drainTimeout) {
    return start(gateway, host, port, Options.defaults(drainTimeout));
  }

  /** Starts listening on {@code port} (0 = any free port) of {@code host} (null: every interface). */
  public static OtlpReceiver start(Gateway gateway, String host, int port, Options options) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(options, "options");
    OtlpReceiver[] self = new OtlpReceiver[1];
    Javalin javalin = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.http.maxRequestSize = options.maxBodyBytes() + 1L;
      cfg.jetty.modifyServer(server -> {
        server.setHandler(new GracefulHandler());
        server.setStopTimeout(options.drainTimeout().toMillis());
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
      });
      if (options.tls() != null) {
        cfg.jetty.addConnector((server, http) -> options.tls().connector(server, http, host, port, true));
      }
      for (Signal signal : Signal.values()) {
        cfg.routes.post(signal.path(), ctx -> self[0].handle(signal, ctx));
      }
    });
    self[0] = new OtlpReceiver(gateway, javalin, options);
    if (options.tls() != null) {
      javalin.start();
    } else if (host == null) {
      javalin.start(port);
    } else {
      javalin.start(host, port);
    }
    LOG.info("OTLP/HTTP receiver listening on {}://localhost:{}/ (/v1/traces, /v1/logs, /v1/metrics{})",
        options.tls() == null ? "http" : "https", javalin.port(),
        options.tls() == null ? "" : "; " + options.tls().describe());
    return self[0];
  }

  /** The port the receiver is bound to. */
  public int port() {
    return javalin.port();
  }

  /** Whether the receiver serves HTTPS. */
  public boolean tls() {
    return options.tls() != null;
  }

  private void handle(Signal signal, Context ctx) throws IOException {
    try (Intake.Reservation reservation = intake.reserve()) {
      handle(signal, ctx, reservation);
    }
  }

  private void handle(Signal signal, Context ctx, Intake.Reservation reservation) throws IOException {
    String type = mediaType(ctx.header("Content-Type"));
    boolean json = JSON.equals(type);
    if (!json && !PROTOBUF.equals(type)) {
      error(ctx, true, 415, INVALID_ARGUMENT, "Content-Type must be " + PROTOBUF + " or " + JSON + ", not '"
          + ctx.header("Content-Type") + "'");
      return;
    }
    int limit = options.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      refuseUnread(ctx);
      error(ctx, json, 413, INVALID_ARGUMENT, "Body of " + declared + " bytes is over the limit of " + limit);
      return;
    }
    String encoding = encoding(ctx.header("Content-Encoding"));
    if (encoding == null) {
      refuseUnread(ctx);
      error(ctx, json, 415, INVALID_ARGUMENT, "Content-Encoding '" + ctx.header("Content-Encoding")
          + "' is not supported (gzip, deflate, zstd and identity are)");
      return;
    }
    byte[] body;
    try {
      body = read(ctx.req().getInputStream(), declared, limit, reservation, 0);
      if (!encoding.isEmpty()) {
        body = inflate(encoding, body, limit, reservation);
      }
    } catch (Intake.Busy e) {
      refuseUnread(ctx);
      intake.throttledUndecoded(signal);
      answer(ctx, json, intake.refused(Gateway.Admission.FULL));
      return;
    } catch (Intake.TooLarge e) {
      refuseUnread(ctx);
      error(ctx, json, 413, INVALID_ARGUMENT, "Body is over the limit of " + limit + " bytes"
          + (encoding.isEmpty() ? "" : " once inflated"));
      return;
    } catch (IOException e) {
      error(ctx, json, 400, INVALID_ARGUMENT, "Cannot read the body"
          + (encoding.isEmpty() ? "" : " (Content-Encoding " + encoding + ")") + ": " + e.getMessage());
      return;
    }
    answer(ctx, json, intake.accept(signal, json, body, reservation));
  }

  /** The answer to what {@link Intake} made of the request. */
  private void answer(Context ctx, boolean json, Intake.Outcome outcome) throws IOException {
    switch (outcome.kind()) {
      case ACCEPTED:
        respond(ctx, json, 200, outcome.envelope().signal.response(outcome.envelope().rejected,
            outcome.envelope().rejectionMessage));
        return;
      case UNDECODABLE:
        error(ctx, json, 400, INVALID_ARGUMENT, outcome.message());
        return;
      case TOO_LARGE:
        error(ctx, json, 413, INVALID_ARGUMENT, outcome.message());
        return;
      case FULL:
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        error(ctx, json, 429, RESOURCE_EXHAUSTED, outcome.message());
        return;
      default:
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        error(ctx, json, 503, UNAVAILABLE, outcome.message());
    }
  }

  /** The body's encoding: "" for none, gzip, deflate or zstd; null for one not supported. */
  private static String encoding(String header) {
    if (header == null || header.isBlank()) {
      return "";
    }
    String e = header.strip().toLowerCase(Locale.ROOT);
    switch (e) {
      case "identity":
        return "";
      case "gzip":
      case "x-gzip":
        return "gzip";
      case "deflate":
      case "zstd":
        return e;
      default:
        return null;
    }
  }

  /**
   * Inflates a body, holding what it inflates to in the reservation and refusing more than {@code
   * limit} bytes. deflate is zlib-wrapped as HTTP says, or raw as some clients send it.
   */
  private static byte[] inflate(String encoding, byte[] body, int limit, Intake.Reservation reservation)
      throws IOException {
    java.io.ByteArrayInputStream compressed = new java.io.ByteArrayInputStream(body);
    InputStream in;
    long held = body.length;
    switch (encoding) {
      case "gzip":
        in = new GZIPInputStream(compressed);
        break;
      case "deflate": {
        boolean zlib = body.length >= 2 && (body[0] & 0x0F) == 8 && ((body[0] & 0xFF) << 8 | (body[1] & 0xFF)) % 31 == 0;
        in = new InflaterInputStream(compressed, new Inflater(!zlib));
        break;
      }
      default: {
        // The decoder's window grows with what it has inflated (whatever window the frame
        // declares), so it holds at most the body limit besides the output.
        held += limit;
        reservation.cover(held);
        try {
          return read(new io.airlift.compress.zstd.ZstdInputStream(compressed), -1, limit, reservation, held);
        } catch (RuntimeException e) {
          // The decoder reports damaged frames (and windows over its limit) unchecked.
          throw new IOException("not a valid zstd stream: " + e.getMessage());
        }
      }
    }
    return read(in, -1, limit, reservation, held);
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a body of {@code declared} bytes (its Content-Length), or of unknown length when negative
   * (then at most {@code limit}), reserving its bytes (beyond {@code alreadyHeld}, which the caller
   * holds too) as they come.
   */
  private static byte[] read(InputStream in, long declared, int limit, Intake.Reservation reservation,
      long alreadyHeld) throws IOException {
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
        if (out.size() + n > limit) {
          throw new Intake.TooLarge();
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
