package io.tributary.benchmarks;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * The transform a Kafka Connect user would have to write to redact PII by content, since no stock
 * transform scans values: {@link RegexRedactor}'s {@code java.util.regex} rules (the same rules as
 * the pii-redaction processor) over every string value of a schemaless record, written the way the
 * stock transforms are (a new map, a new record). Resource fields ({@code resource.}-prefixed) and
 * the span's own fields are left alone, as pii-redaction leaves them by default.
 */
final class RegexRedactTransform implements Transformation<SinkRecord> {

  private final RegexRedactor redactor = new RegexRedactor();

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  @SuppressWarnings("unchecked")
  public SinkRecord apply(SinkRecord record) {
    Map<String, Object> value = (Map<String, Object>) record.value();
    Map<String, Object> updated = new HashMap<>(value);
    int[] counts = new int[RegexRedactor.countSlots()];
    for (Map.Entry<String, Object> e : updated.entrySet()) {
      String key = e.getKey();
      if (e.getValue() instanceof String && !key.startsWith(KafkaConnectChain.RESOURCE_PREFIX)
          && !KafkaConnectChain.SPAN_FIELDS.contains(key)) {
        e.setValue(redactor.redactAttribute(key, (String) e.getValue(), counts));
      }
    }
    return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
        null, updated, record.timestamp());
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef();
  }

  @Override
  public void close() {}
}
