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
 * <p>Enriched on the thread that received it, then handed to the export thread through a blocking
 * queue, which publishes its fields. Once enriched it {@linkplain #release() lets go} of the items
 * and the decoded request, so what waits in the queue is the encoding (and the JSON lines, when an
 * exporter writes them), not a tree of objects per span.
 */
final class Envelope {

  /** Where an item came from in the request: enough to rebuild it with every field Item lacks. */
  record Origin(Resource resource, String resourceSchemaUrl, InstrumentationScope scope, String scopeSchemaUrl,
      Message message, Metric metric, int metricIndex) {}

  /** A metric kept as it came (histograms, summaries): not itemized, not enriched. */
  record PassThrough(Resource resource, String resourceSchemaUrl, InstrumentationScope scope,
      String scopeSchemaUrl, Metric metric) {}

  /**
   * An enriched item as one JSONL line, with its lineage. The JSON is built on first use: only the
   * JSONL and stdout exporters, export dead letters and the recent-items endpoint need it, and
   * building it costs more than enriching the item. Once built it is kept as text, one string,
   * rather than as a tree of nodes or the item it came from.
   */
  static final class Line {
    private final String lineage;
    private java.util.function.Supplier<ObjectNode> source;
    private String text;

    Line(String lineage, java.util.function.Supplier<ObjectNode> source) {
      this.lineage = lineage;
      this.source = source;
    }

    /** Lets go of what the line was to be rendered from beyond its own item ({@link WireLine}). */
    synchronized void detach() {
      if (source instanceof WireLine w) {
        w.detach();
      }
    }

    /** Whether the line keeps its request's output buffer alive ({@link WireLine#holdsRequestBuffer}). */
    synchronized boolean holdsRequestBuffer() {
      return source instanceof WireLine w && w.holdsRequestBuffer();
    }

    /** A line already rendered. */
    Line(String lineage, String text) {
      this.lineage = lineage;
      this.text = text;
    }

    String lineage() {
      return lineage;
    }

    /** The item in OTLP/JSON with its signal, resource and scope, as one line of text. */
    synchronized String text() {
      if (text == null) {
        text = source.get().toString();
        source = null;
      }
      return text;
    }

    /** The length of the line's text once rendered, 0 before. */
    synchronized int renderedLength() {
      return text == null ? 0 : text.length();
    }

    /** {@link #text()} as a tree of its own, which the caller may change. */
    ObjectNode json() {
      try {
        return (ObjectNode) OtlpJson.MAPPER.readTree(text());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("the gateway rendered a line that is not JSON", e);
      }
    }
  }

  /** A line for the dead-letter sink and why. */
  record DeadLetter(ObjectNode json, String reason) {}

  final Signal signal;
  /** The request's items; null once {@linkplain #release() released}. */
  List<Item> items;
  List<Origin> origins;
  List<PassThrough> passThrough;
  final long rejected;
  /**
   * Where the items came from when the fast path decoded the request ({@link WireDecoder}): its
   * bytes and each item's place in them; null for the reference path, which has {@link #origins}.
   */
  WireSource source;
  /** Items plus pass-through data points, counted when the request came in. */
  private final int size;
  final String rejectionMessage;
  /** Queue capacity this envelope holds until it is exported: items, and bytes in KiB. */
  int permits;
  int byteKiB;
  /** When the gateway accepted it (epoch millis): the queue's oldest item's age comes from it. */
  long acceptedAtMillis;
  /** Where its record ends in the disk queue (what to acknowledge once it is done); -1 in memory. */
  long queueEnd = -1;
  /** True if it was read back from a disk queue a previous run of the node wrote. */
  boolean replayed;

  // Set by the enrich stage: the request to export, as a message or already encoded.
  Message request;
  List<Line> lines;
  List<DeadLetter> deadLetters;
  /**
   * Set by the enrich stage while the tap is armed ({@link Gateway#armTap}): copies of the last
   * items as received (before the pipeline ran), split like {@link #lines} (the exported ones, in
   * order) and {@link #deadLetters}, each list aligned with the end of its counterpart; null
   * otherwise. Dropped once the recent items took them.
   */
  List<Item> receivedLines;
  List<Item> receivedDead;
  /** How many items (and pass-through data points) the request carries. */
  int delivered;
  /** The request in protobuf, when an exporter asked for it ({@link Exporter#prepare}). */
  byte[] encoded;

  Envelope(Signal signal, List<Item> items, List<Origin> origins, List<PassThrough> passThrough, long rejected,
      String rejectionMessage) {
    this.signal = signal;
    this.items = items;
    this.origins = origins;
    this.passThrough = passThrough;
    this.rejected = rejected;
    this.rejectionMessage = rejectionMessage;
    this.size = items.size() + passThrough.size();
  }

  /** An envelope of the fast path: its {@link #source} says where items and pass-through metrics are. */
  Envelope(Signal signal, List<Item> items, int passThrough, long rejected, String rejectionMessage) {
    this.signal = signal;
    this.items = items;
    this.passThrough = List.of();
    this.rejected = rejected;
    this.rejectionMessage = rejectionMessage;
    this.size = items.size() + passThrough;
  }

  /**
   * Drops what only enrichment needed: the items, where they came from (the request's bytes), and the
   * request as a message when it is also encoded ({@link #request()} decodes it again if a dead
   * letter needs it).
   */
  void release() {
    items = null;
    origins = null;
    passThrough = null;
    source = null;
    if (encoded != null) {
      request = null;
    }
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
    return size;
  }
}
