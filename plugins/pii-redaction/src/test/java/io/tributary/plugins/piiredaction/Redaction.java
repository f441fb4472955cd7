package io.tributary.plugins.piiredaction;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.testkit.ProcessorTester;
import java.util.Map;

/** Test helpers: a processor from a raw config map, and one value through it. */
final class Redaction {

  static final PiiRedactionProcessorFactory FACTORY = new PiiRedactionProcessorFactory();
  /** Only creates processors and checks config: shared by the tests, which never change it. */
  static final ProcessorTester TESTER = ProcessorTester.of(FACTORY);
  static final Processor DEFAULT = processor(Map.of());

  private Redaction() {}

  static Processor processor(Map<String, ?> config) {
    return TESTER.create(config);
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
