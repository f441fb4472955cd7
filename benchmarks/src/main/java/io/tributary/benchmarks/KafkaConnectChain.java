package io.tributary.benchmarks;

import static io.tributary.benchmarks.EnrichmentWorkload.DEBUG;
import static io.tributary.benchmarks.EnrichmentWorkload.EMAIL;
import static io.tributary.benchmarks.EnrichmentWorkload.EMAIL_MASK;
import static io.tributary.benchmarks.EnrichmentWorkload.NEW_METHOD;
import static io.tributary.benchmarks.EnrichmentWorkload.OLD_METHOD;
import static io.tributary.benchmarks.EnrichmentWorkload.REQUEST_ID;
import static io.tributary.benchmarks.EnrichmentWorkload.REQUEST_ID_SOURCE;
import static io.tributary.benchmarks.EnrichmentWorkload.RESOURCE_STAMPS;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.HeaderFrom;
import org.apache.kafka.connect.transforms.InsertField;
import org.apache.kafka.connect.transforms.MaskField;
import org.apache.kafka.connect.transforms.ReplaceField;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * What a Kafka Connect user would configure for the work of {@link EnrichmentWorkload}: a chain of
 * the stock single message transforms of {@code connect-transforms}, on schemaless records (a
 * {@code Map} value, as {@code JsonConverter} with {@code schemas.enable=false} produces).
 *
 * <p><b>The record.</b> One sink record per item, value a {@code HashMap}: the item attributes
 * under their own keys, the resource attributes under {@code resource.}-prefixed keys (flat, as
 * the {@code Flatten} transform would leave them: the stock transforms address top-level fields),
 * and the span's name, trace id, span id, start and end times under {@code name}, {@code
 * trace_id}, {@code span_id}, {@code start_time_unix_nano}, {@code end_time_unix_nano}. No key,
 * no headers.
 *
 * <p><b>The chain</b>, eight transforms (seven without the mask):
 *
 * <ol>
 *   <li>{@code HeaderFrom$Value} copies {@code x-request-id} to a {@code request.id} header
 *       (no stock transform copies one value field to another);
 *   <li>five {@code InsertField$Value}, one static field each ({@code static.field} takes one
 *       name): the resource stamps;
 *   <li>{@code ReplaceField$Value} renames {@code http.method} and excludes {@code app.debug};
 *   <li>{@code MaskField$Value} replaces {@code user.email} with {@code [REDACTED:email]}.
 * </ol>
 *
 * <p>It is the bare chain: a Connect worker also wraps each transform in its predicate check and
 * error-tolerance handling, which costs more, not less. The transforms never change the record
 * they are given, so records can be built once and reused.
 */
final class KafkaConnectChain implements AutoCloseable {

  static final String TOPIC = "telemetry";
  static final String RESOURCE_PREFIX = "resource.";

  static final String NAME = "name";
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";
  static final String START = "start_time_unix_nano";
  static final String END = "end_time_unix_nano";

  /** The span's own fields, not attributes: PII redaction leaves them alone. */
  static final java.util.Set<String> SPAN_FIELDS = java.util.Set.of(NAME, TRACE_ID, SPAN_ID, START, END);

  /** How the chain deals with PII. */
  enum Pii {
    /** Stock {@code MaskField} on the one field that holds it. */
    MASK_FIELD,
    /** A hand-written transform scanning every value with {@code java.util.regex}: the same work as pii-redaction. */
    REGEX,
    /** Not at all: the chain that matches {@code specWithoutPii}. */
    NONE
  }

  private final Transformation<SinkRecord>[] chain;

  @SuppressWarnings("unchecked")
  KafkaConnectChain(Pii pii) {
    List<Transformation<SinkRecord>> list = new ArrayList<>();
    list.add(configure(new HeaderFrom.Value<>(), Map.of(
        "fields", REQUEST_ID_SOURCE, "headers", REQUEST_ID, "operation", "copy")));
    for (String[] stamp : RESOURCE_STAMPS) {
      list.add(configure(new InsertField.Value<>(), Map.of(
          "static.field", RESOURCE_PREFIX + stamp[0], "static.value", stamp[1])));
    }
    list.add(configure(new ReplaceField.Value<>(), Map.of(
        "renames", OLD_METHOD + ":" + NEW_METHOD, "exclude", DEBUG)));
    if (pii == Pii.MASK_FIELD) {
      list.add(configure(new MaskField.Value<>(), Map.of(
          "fields", EMAIL, "replacement", EMAIL_MASK)));
    } else if (pii == Pii.REGEX) {
      list.add(configure(new RegexRedactTransform(), Map.of()));
    }
    this.chain = list.toArray(new Transformation[0]);
  }

  private static Transformation<SinkRecord> configure(
      Transformation<SinkRecord> transformation, Map<String, ?> config) {
    transformation.configure(config);
    return transformation;
  }

  /** Runs {@code record} through the chain; null if a transform dropped it (none here does). */
  SinkRecord apply(SinkRecord record) {
    SinkRecord r = record;
    for (Transformation<SinkRecord> t : chain) {
      r = t.apply(r);
      if (r == null) {
        return null;
      }
    }
    return r;
  }

  int length() {
    return chain.length;
  }

  @Override
  public void close() {
    for (Transformation<SinkRecord> t : chain) {
      t.close();
    }
  }

  // ---------------------------------------------------------------- item <-> record

  /** The record a Connect pipeline would carry for {@code item} (a span). */
  static SinkRecord toRecord(Item item, long offset) {
    Attributes a = item.attributes();
    Attributes r = item.resource();
    Map<String, Object> value = new HashMap<>((a.size() + r.size() + 5) * 4 / 3 + 1);
    if (item.name() != null) {
      value.put(NAME, item.name());
    }
    value.put(TRACE_ID, item.traceId());
    value.put(SPAN_ID, item.spanId());
    value.put(START, item.timeUnixNano());
    value.put(END, item.endTimeUnixNano());
    for (int i = 0, n = a.size(); i < n; i++) {
      value.put(a.keyAt(i), a.valueAt(i));
    }
    for (int i = 0, n = r.size(); i < n; i++) {
      value.put(RESOURCE_PREFIX + r.keyAt(i), r.valueAt(i));
    }
    return new SinkRecord(TOPIC, 0, null, null, null, value, offset,
        item.timeUnixNano() / 1_000_000, TimestampType.CREATE_TIME);
  }

  /**
   * The span {@code record} stands for, headers as item attributes. A key whose value is null is
   * left out: {@code MaskField} writes one for a field the record does not have, and an item has no
   * null values (writing null removes a key).
   */
  @SuppressWarnings("unchecked")
  static Item toItem(SinkRecord record) {
    Item item = Item.span();
    for (Map.Entry<String, Object> e : ((Map<String, Object>) record.value()).entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      switch (key) {
        case NAME:
          item.name((String) v);
          break;
        case TRACE_ID:
          item.traceId((String) v);
          break;
        case SPAN_ID:
          item.spanId((String) v);
          break;
        case START:
          item.timeUnixNano((Long) v);
          break;
        case END:
          item.endTimeUnixNano((Long) v);
          break;
        default:
          if (key.startsWith(RESOURCE_PREFIX)) {
            item.resource().putValue(key.substring(RESOURCE_PREFIX.length()), v);
          } else {
            item.attributes().putValue(key, v);
          }
      }
    }
    for (Header h : record.headers()) {
      item.attributes().putValue(h.key(), h.value());
    }
    return item;
  }
}
