package com.example.severity;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.Locale;
import java.util.Map;

/**
 * Normalises log severities: logging libraries say {@code warn}, {@code WARNING}, {@code Warn},
 * {@code crit}… and often leave the OpenTelemetry severity number unset. This processor maps the
 * text to the OpenTelemetry severity number and writes the canonical text.
 */
public final class SeverityNormalizerFactory implements ProcessorFactory {

  private static final Map<String, Integer> NUMBERS = Map.ofEntries(
      Map.entry("TRACE", 1), Map.entry("DEBUG", 5), Map.entry("FINE", 5),
      Map.entry("INFO", 9), Map.entry("INFORMATION", 9), Map.entry("NOTICE", 10),
      Map.entry("WARN", 13), Map.entry("WARNING", 13),
      Map.entry("ERROR", 17), Map.entry("ERR", 17), Map.entry("SEVERE", 17),
      Map.entry("CRIT", 21), Map.entry("CRITICAL", 21), Map.entry("FATAL", 21),
      Map.entry("EMERG", 24), Map.entry("ALERT", 22));

  private static final String[] CANONICAL = {
    "", "TRACE", "TRACE2", "TRACE3", "TRACE4", "DEBUG", "DEBUG2", "DEBUG3", "DEBUG4",
    "INFO", "INFO2", "INFO3", "INFO4", "WARN", "WARN2", "WARN3", "WARN4",
    "ERROR", "ERROR2", "ERROR3", "ERROR4", "FATAL", "FATAL2", "FATAL3", "FATAL4"
  };

  static final ConfigField<Boolean> OVERWRITE_NUMBER = ConfigField.bool("overwriteNumber")
      .withDefault(false)
      .doc("Replace a severity number the record already carries.");

  private static Item log(String severityText, int severityNumber) {
    return Item.log().body("disk almost full").severityText(severityText).severityNumber(severityNumber);
  }

  private static final ProcessorDescriptor DESCRIPTOR =
      ProcessorDescriptor.builder("severity-normalizer", "1.0.0")
          .title("Severity normalizer")
          .description("Maps free-form log severity text (warn, WARNING, crit, …) to the "
              + "OpenTelemetry severity number and canonical text, so dashboards and alerts can "
              + "filter on one scale. Unknown text is left alone.")
          .reads("field:severity_text", "field:severity_number")
          .writes("field:severity_text", "field:severity_number")
          .config(OVERWRITE_NUMBER)
          .stable()
          .example("lower-case warn gets its number", Map.of(), log("warn", 0), log("WARN", 13))
          .example("an existing number is kept", Map.of(), log("critical", 18), log("ERROR2", 18))
          .example("unknown text is left alone", Map.of(), log("chatty", 0), log("chatty", 0))
          .build();

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    boolean overwrite = context.config().get(OVERWRITE_NUMBER);
    return item -> normalize(item, overwrite);
  }

  private static void normalize(Item item, boolean overwrite) {
    String text = item.severityText();
    Integer number = text == null ? null : NUMBERS.get(text.trim().toUpperCase(Locale.ROOT));
    if (number == null) {
      return; // not a severity we know: leave it alone
    }
    int current = item.severityNumber();
    int effective = current > 0 && current < CANONICAL.length && !overwrite ? current : number;
    item.severityNumber(effective).severityText(CANONICAL[effective]);
  }
}
