package io.tributary.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What every OTLP listener does with a request body once it has it: holds it against the bytes
 * budget of requests in flight, decodes it (the fast path where it applies), and submits its items
 * to the gateway. One per gateway, so OTLP/HTTP and OTLP/gRPC share one budget; each listener turns
 * the {@link Outcome} into its own protocol's answer.
 *
 * <p>The budget bounds the bytes held by requests being read, decoded and enriched at once: their
 * bodies (compressed and inflated), and an estimate of what they decode to, reserved as it grows
 * ({@link WireDecoder#BYTES_PER_ITEM}): five times the body plus 512 bytes an item.
 */
final class Intake {

  /** The most bytes held by requests being read, decoded or enriched at once, across listeners. */
  static final long MAX_IN_FLIGHT_BYTES = 128L << 20;

  /** How a request ended. */
  enum Kind {
    /** Queued; {@link Outcome#envelope} says how many items were rejected. */
    ACCEPTED,
    /** Not OTLP: answer 400 / INVALID_ARGUMENT. */
    UNDECODABLE,
    /** It decodes to more than the whole in-flight budget, or holds more than the whole queue: never retry as is. */
    TOO_LARGE,
    /** No room now (in flight or in the queue): answer 429 / RESOURCE_EXHAUSTED with a retry delay. */
    FULL,
    /** The node's pipeline does not compile: answer 503 / UNAVAILABLE. */
    UNAVAILABLE,
    /** The gateway is stopping: answer 503 / UNAVAILABLE. */
    CLOSED
  }

  /** A request's end: its kind, the envelope when accepted, and a message for the client otherwise. */
  record Outcome(Kind kind, Envelope envelope, String message) {}

  private final Gateway gateway;
  /** {@link #MAX_IN_FLIGHT_BYTES} in KiB. */
  private final Semaphore inFlight = new Semaphore((int) (MAX_IN_FLIGHT_BYTES >> 10));

  Intake(Gateway gateway) {
    this.gateway = gateway;
  }

  /** A new, empty share of the in-flight budget, for one request. */
  Reservation reserve() {
    return new Reservation();
  }

  /**
   * Decodes a body already held in {@code reservation} and submits its items. Refuses cheaply,
   * before decoding, when the queue is (all but) full: decoding a request only to refuse it would
   * spend the CPU the queue is waiting for.
   */
  Outcome accept(Signal signal, boolean json, byte[] body, Reservation reservation) {
    Gateway.Admission early = gateway.precheck();
    if (early != Gateway.Admission.ACCEPTED) {
      if (early == Gateway.Admission.FULL || early == Gateway.Admission.UNAVAILABLE) {
        gateway.throttledUndecoded(signal);
      }
      return refused(early);
    }
    Envelope envelope;
    try {
      envelope = decode(signal, json, body, reservation);
    } catch (OtlpJson.FormatException | InvalidProtocolBufferException e) {
      return new Outcome(Kind.UNDECODABLE, null, "Undecodable " + signal.label() + " request: " + e.getMessage());
    } catch (Busy e) {
      gateway.throttledUndecoded(signal);
      return refused(Gateway.Admission.FULL);
    } catch (TooLarge e) {
      return new Outcome(Kind.TOO_LARGE, null, "The request decodes to more than the " + (MAX_IN_FLIGHT_BYTES >> 20)
          + " MiB the gateway holds for requests in flight; send smaller batches");
    } catch (IOException e) {
      return new Outcome(Kind.UNDECODABLE, null, "Undecodable " + signal.label() + " request: " + e.getMessage());
    }
    Gateway.Admission verdict = gateway.submit(envelope);
    if (verdict == Gateway.Admission.ACCEPTED) {
      return new Outcome(Kind.ACCEPTED, envelope, null);
    }
    if (verdict == Gateway.Admission.TOO_LARGE) {
      return new Outcome(Kind.TOO_LARGE, null, envelope.size() + " items in one request: more than the gateway's"
          + " whole queue holds, in items or in bytes once encoded; send smaller batches");
    }
    return refused(verdict);
  }

  /** The answer to a request refused for want of room or because the node takes nothing now. */
  Outcome refused(Gateway.Admission verdict) {
    switch (verdict) {
      case UNAVAILABLE: {
        String why = gateway.refusal();
        return new Outcome(Kind.UNAVAILABLE, null, "This node accepts no telemetry: "
            + (why == null ? "its pipeline does not compile" : why)
            + "; nothing was accepted: retry on another node or later (GET /api/v1/health says more)");
      }
      case CLOSED:
        return new Outcome(Kind.CLOSED, null, "The gateway is shutting down; retry on another node or later");
      default:
        return new Outcome(Kind.FULL, null, "The gateway's queue is full; retry later");
    }
  }

  /** Counts a request refused before its body was decoded (no room in flight). */
  void throttledUndecoded(Signal signal) {
    gateway.throttledUndecoded(signal);
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

  /** More than the whole budget: waiting would not help. */
  static final class TooLarge extends IOException {
    TooLarge() {
      super("too large");
    }
  }

  /** No room within the admission wait. */
  static final class Busy extends IOException {
    Busy() {
      super("busy");
    }
  }

  /** One request's share of {@link #MAX_IN_FLIGHT_BYTES}, given back when the request is answered. */
  final class Reservation implements AutoCloseable {
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
}
