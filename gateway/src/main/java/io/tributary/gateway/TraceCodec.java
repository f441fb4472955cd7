package io.tributary.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import java.util.List;

/**
 * The gateway's OTLP trace codec on its own, without HTTP or queue: the code the gateway runs
 * between a request's bytes and the bytes it exports, offered for benchmarks and equivalence
 * tests.
 *
 * <p>Not thread-safe per {@link Decoded}; the class itself holds no state.
 */
public final class TraceCodec {

  /** The span attribute that carries an item's lineage when lineage is on. */
  public static final String LINEAGE_ATTRIBUTE = OtlpItems.LINEAGE_ATTRIBUTE;

  private TraceCodec() {}

  /**
   * Decodes an {@code ExportTraceServiceRequest} (protobuf) into items.
   *
   * @param keepWire whether to take the fast path, items from the request's bytes and spans written
   *     from them (the gateway's path unless a JSONL exporter needs every item's JSON), or the
   *     reference path through protobuf-java's messages and builders
   * @throws InvalidProtocolBufferException for bytes that are not such a request
   */
  public static Decoded decode(byte[] protobuf, boolean keepWire) throws InvalidProtocolBufferException {
    Envelope fast = keepWire ? WireDecoder.decode(Signal.TRACES, protobuf) : null;
    return new Decoded(fast != null ? fast : OtlpItems.toItems(Signal.TRACES, Signal.TRACES.parseRequest(protobuf)));
  }

  /** A decoded request: its items, which a pipeline may change, then encoded once. */
  public static final class Decoded {
    private final Envelope envelope;

    private Decoded(Envelope envelope) {
      this.envelope = envelope;
    }

    /** The request's valid spans as items, in order. */
    public List<Item> items() {
      return envelope.items;
    }

    /**
     * The enriched request as protobuf: {@code batch} (of {@link #items()}) as a pipeline left it,
     * with each item's lineage as {@link #LINEAGE_ATTRIBUTE} if {@code lineageAttribute}.
     */
    public byte[] encode(Batch batch, boolean lineageAttribute) {
      OtlpItems.rebuild(envelope, batch, lineageAttribute);
      return envelope.encoded != null ? envelope.encoded : envelope.request.toByteArray();
    }
  }
}
