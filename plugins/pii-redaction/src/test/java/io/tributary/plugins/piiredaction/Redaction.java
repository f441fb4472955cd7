package io.tributary.plugins.piiredaction;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import java.util.Map;

/** Test helpers: a processor from a raw config map, and one value through it. */
final class Redaction {

  static final PiiRedactionProcessorFactory FACTORY = new PiiRedactionProcessorFactory();
  static final Processor DEFAULT = processor(Map.of());

  private Redaction() {}

  static Processor processor(Map<String, ?> config) {
    return FACTORY.create(ProcessorContext.of(FACTORY.descriptor().validateConfig(config)));
  }

  /** The value of attribute {@code note} after the default processor ran on it. */
  static String redact(String value) {
    return redact(DEFAULT, value);
  }

  static String redact(Processor processor, String value) {
    Item item = Item.span();
    item.attributes().put("note", value);
    processor.process(item);
    return item.attributes().getString("note");
  }
}
