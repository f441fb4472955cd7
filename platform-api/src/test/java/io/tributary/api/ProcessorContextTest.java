package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorContextTest {

  @Test
  void keeps_environment_stage_and_config() {
    ProcessorConfig config = ProcessorConfig.of(Map.of("a", "b"));

    ProcessorContext context = ProcessorContext.of("prod", "redact-pii", config, Map.of());

    assertThat(context.environment()).isEqualTo("prod");
    assertThat(context.stageName()).isEqualTo("redact-pii");
    assertThat(context.config()).isSameAs(config);
  }

  @Test
  void the_test_shortcut_names_everything_test() {
    ProcessorContext context = ProcessorContext.of(ProcessorConfig.empty());

    assertThat(context.environment()).isEqualTo("test");
    assertThat(context.stageName()).isEqualTo("test");
    assertThat(context.service(Clock.class)).isEmpty();
  }

  @Test
  void services_are_found_by_type() {
    Clock clock = Clock.systemUTC();
    Map<Class<?>, Object> services = new HashMap<>();
    services.put(Clock.class, clock);

    ProcessorContext context = ProcessorContext.of("dev", "s", ProcessorConfig.empty(), services);
    services.clear();

    assertThat(context.service(Clock.class)).containsSame(clock);
    assertThat(context.service(Runnable.class)).isEmpty();
  }

  @Test
  void a_service_registered_under_the_wrong_type_is_rejected() {
    Map<Class<?>, Object> services = Map.of(Clock.class, "not a clock");

    assertThatThrownBy(() -> ProcessorContext.of("dev", "s", ProcessorConfig.empty(), services))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.time.Clock")
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void missing_parts_are_rejected() {
    assertThatThrownBy(() -> ProcessorContext.of(null, "s", ProcessorConfig.empty(), Map.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("environment");
    assertThatThrownBy(() -> ProcessorContext.of("dev", null, ProcessorConfig.empty(), Map.of()))
        .hasMessage("stageName");
    assertThatThrownBy(() -> ProcessorContext.of(null)).hasMessage("config");
  }
}
