package com.example.severity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.api.Item;
import io.tributary.testkit.ProcessorTester;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin's own tests, through the Tributary plugin test kit. */
class SeverityNormalizerFactoryTest {

  // Fails here, with the host's message, if a node would refuse the descriptor.
  private final ProcessorTester tester = ProcessorTester.of(new SeverityNormalizerFactory());

  @Test
  void every_worked_example_holds() {
    tester.verifyExamples();
  }

  @Test
  void overwrite_replaces_a_number_the_record_carries() {
    Item item = Item.log().severityText("Warning").severityNumber(18);
    tester.run(Map.of("overwriteNumber", true), item);
    assertEquals(13, item.severityNumber());
    assertEquals("WARN", item.severityText());
  }

  @Test
  void a_mistyped_option_is_refused_naming_the_key() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> tester.config(Map.of("overwriteNumber", "yes")));
    assertTrue(e.getMessage().contains("'overwriteNumber': expected a boolean"), e.getMessage());
  }
}
