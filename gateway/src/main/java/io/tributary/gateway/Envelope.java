package io.tributary.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tributary.api.Item;
import java.util.List;

/**
 * One accepted export request on its way through the gateway: its items with where each came from
 * (so the OTLP structure can be rebuilt), then — once enriched — the request to export, the rendered
 * lines and the dead letters.
 *
 * <p>Handed from one stage thread to the next through blocking queues, which publish its fields.
 */
final class Envelope {

  /** Where an item came from in the request: enough to rebuild it with every field Item lacks. */
  record Origin(Resource resource, String resourceSchemaUrl, InstrumentationScope scope, String scopeSchemaUrl,
      Message message, Metric metric, int metricIndex, int wireOffset, int wireLength) {}

  /** A metric kept as it came (histograms, summaries): not itemized, not enriched. */
  record PassThrough(Resource resource, String resourceSchemaUrl, InstrumentationScope scope,
      String scopeSchemaUrl, Metric metric) {}

  /**
   * An enriched item as one JSONL line, with its lineage. The JSON is built on first use: only the
   * JSONL and stdout exporters, export dead letters and the recent-items endpoint need it, and
   * building it costs more than enriching the item.
   */
  static final class Line {
    private final String lineage;
    private java.util.function.Supplier<ObjectNode> source;
    private ObjectNode json;

    Line(String lineage, java.util.function.Supplier<ObjectNode> source) {
      this.lineage = lineage;
      this.source = source;
    }

    String lineage() {
      return lineage;
    }

    /** The item in OTLP/JSON with its signal, resource and scope; shared, do not modify. */
    synchronized ObjectNode json() {
      if (json == null) {
        json = source.get();
        source = null;
      }
      return json;
    }
  }

  /** A line for the dead-letter sink and why. */
  record DeadLetter(ObjectNode json, String reason) {}

  final Signal signal;
  final List<Item> items;
  final List<Origin> origins;
  final List<PassThrough> passThrough;
  final long rejected;
  /**
   * The request's protobuf encoding, where each span's origin knows its range ({@code wireOffset},
   * {@code wireLength}); null when the spans cannot be written from it (JSON, other signals).
   */
  final byte[] wire;
  final String rejectionMessage;
  /** Queue capacity this envelope holds until it is exported. */
  int permits;

  // Set by the enrich stage: the request to export, as a message or already encoded.
  Message request;
  List<Line> lines;
  List<DeadLetter> deadLetters;
  /** How many items (and pass-through data points) the request carries. */
  int delivered;
  /** The request in protobuf, when an exporter asked for it ({@link Exporter#prepare}). */
  byte[] encoded;

  Envelope(Signal signal, List<Item> items, List<Origin> origins, List<PassThrough> passThrough, long rejected,
      String rejectionMessage, byte[] wire) {
    this.signal = signal;
    this.wire = wire;
    this.items = items;
    this.origins = origins;
    this.passThrough = passThrough;
    this.rejected = rejected;
    this.rejectionMessage = rejectionMessage;
  }

  /** True once enriched into something to export. */
  boolean exportable() {
    return request != null || encoded != null;
  }

  /** The request to export as a message, decoded from {@link #encoded} if that is all there is. */
  Message request() {
    if (request == null && encoded != null) {
      try {
        request = signal.parseRequest(encoded);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException("the gateway encoded an undecodable request", e);
      }
    }
    return request;
  }

  /** The size of {@link #encoded}, 0 when not encoded. */
  long encodedSize() {
    return encoded == null ? 0 : encoded.length;
  }

  /** Items, plus one for each pass-through metric. */
  int size() {
    return items.size() + passThrough.size();
  }
}
