package io.tributary.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The JSON line of an item the fast path wrote, rendered from the bytes written for it only when
 * someone looks (the recent-items view). Until {@linkplain #detach() detached} it points into the
 * buffer the whole request was written to.
 */
final class WireLine implements Supplier<ObjectNode> {
  private final Signal signal;
  private final byte[] resource;
  private final String resourceSchemaUrl;
  private final byte[] scope;
  private final String scopeSchemaUrl;
  private Wire.Out records;
  private byte[] record;
  private int offset;
  private final int length;
  /** For a data point: its metric without points (null for spans and log records). */
  private final byte[] metric;

  WireLine(Signal signal, byte[] resource, String resourceSchemaUrl, byte[] scope, String scopeSchemaUrl,
      Wire.Out records, int offset, int length, byte[] metric) {
    this.signal = signal;
    this.resource = resource;
    this.resourceSchemaUrl = resourceSchemaUrl;
    this.scope = scope;
    this.scopeSchemaUrl = scopeSchemaUrl;
    this.records = records;
    this.offset = offset;
    this.length = length;
    this.metric = metric;
  }

  /**
   * The largest buffer a line may keep pointing into: the recent items hold at most 100 lines,
   * so at most 100 such buffers (12.5 MiB), however requests are shaped.
   */
  static final int MAX_SHARED_BUFFER = 128 * 1024;

  /**
   * Keeps a copy of this item's own bytes, letting go of the request's buffer — unless that
   * buffer is small enough to keep (the usual request): copying every remembered item of every
   * request cost 2 % of the server's CPU.
   */
  synchronized void detach() {
    if (records != null && records.buffer.length > MAX_SHARED_BUFFER) {
      record = Arrays.copyOfRange(records.buffer, offset, offset + length);
      offset = 0;
      records = null;
    }
  }

  /** Whether the line still points into the buffer its whole request was written to. */
  synchronized boolean holdsRequestBuffer() {
    return records != null;
  }

  @Override
  public synchronized ObjectNode get() {
    byte[] bytes = records != null ? records.buffer : record;
    return render(signal, resource, resourceSchemaUrl, scope, scopeSchemaUrl, bytes, offset, length, metric);
  }

  /**
   * The line of one span, log record or data point (of {@code metric}, its metric without
   * points) written to {@code [offset, offset + length)} of {@code bytes}.
   */
  static ObjectNode render(Signal signal, byte[] resource, String resourceSchemaUrl, byte[] scope,
      String scopeSchemaUrl, byte[] bytes, int offset, int length, byte[] metric) {
    try {
      java.nio.ByteBuffer record = java.nio.ByteBuffer.wrap(bytes, offset, length);
      Message message = signal == Signal.TRACES ? Span.parseFrom(record) : signal == Signal.LOGS
          ? LogRecord.parseFrom(record) : NumberDataPoint.parseFrom(record);
      return OtlpItems.line(signal, Resource.parseFrom(resource), resourceSchemaUrl,
          InstrumentationScope.parseFrom(scope), scopeSchemaUrl, message, metric == null ? null : Metric.parseFrom(metric));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the gateway wrote an item that does not parse", e);
    }
  }
}
