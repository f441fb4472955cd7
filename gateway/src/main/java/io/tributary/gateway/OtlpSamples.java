package io.tributary.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.tributary.api.Item;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an OTLP/JSON export request (what an SDK or {@code curl} sends to {@code /v1/traces},
 * {@code /v1/logs} or {@code /v1/metrics}) into the items the receiver would hand the pipeline,
 * for the simulator and the planner. The same decoding as the receiver's, so a sample behaves as
 * the real request would.
 */
public final class OtlpSamples {

  private OtlpSamples() {}

  /** True if {@code node} looks like an OTLP/JSON export request of some signal. */
  public static boolean isOtlp(JsonNode node) {
    return signal(node) != null;
  }

  /**
   * The items of an OTLP/JSON export request, in order.
   *
   * @throws IllegalArgumentException naming the problem (and its JSON path) if the document is
   *     not an export request, a field has the wrong type, or it holds more than {@code maxItems}
   */
  public static List<Item> items(JsonNode node, int maxItems) {
    Signal signal = signal(node);
    if (signal == null) {
      throw new IllegalArgumentException(
          "not an OTLP/JSON export request: expected one of resourceSpans, resourceLogs, resourceMetrics");
    }
    Message.Builder builder = signal.newRequestBuilder();
    try {
      OtlpJson.merge(node, builder, "$");
    } catch (OtlpJson.FormatException e) {
      throw new IllegalArgumentException("invalid OTLP/JSON: " + e.getMessage(), e);
    }
    Envelope envelope = OtlpItems.toItems(signal, builder.build());
    if (envelope.items.size() > maxItems) {
      throw new IllegalArgumentException("the request holds " + envelope.items.size() + " items; at most "
          + maxItems + " can be simulated at once");
    }
    if (envelope.items.isEmpty()) {
      throw new IllegalArgumentException("the request holds no item"
          + (envelope.rejectionMessage == null ? "" : ": " + envelope.rejectionMessage));
    }
    return new ArrayList<>(envelope.items);
  }

  private static Signal signal(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    if (node.has("resourceSpans")) {
      return Signal.TRACES;
    }
    if (node.has("resourceLogs")) {
      return Signal.LOGS;
    }
    return node.has("resourceMetrics") ? Signal.METRICS : null;
  }
}
