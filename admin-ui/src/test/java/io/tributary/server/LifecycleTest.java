package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  @Test
  void closes_resources_in_reverse_order_of_registration() {
    List<String> closed = new ArrayList<>();
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.register("database", () -> closed.add("database"));
    lifecycle.register("engine", () -> closed.add("engine"));
    lifecycle.register("http", () -> closed.add("http"));

    lifecycle.close();

    assertThat(closed).containsExactly("http", "engine", "database");
  }

  @Test
  void a_failing_resource_does_not_stop_the_others_from_closing() {
    List<String> closed = new ArrayList<>();
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.register("first", () -> closed.add("first"));
    lifecycle.register(
        "broken",
        () -> {
          throw new IllegalStateException("boom");
        });
    lifecycle.register("last", () -> closed.add("last"));

    lifecycle.close();

    assertThat(closed).containsExactly("last", "first");
  }

  @Test
  void close_is_idempotent_and_refuses_late_registrations() {
    List<String> closed = new ArrayList<>();
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.register("once", () -> closed.add("once"));

    lifecycle.close();
    lifecycle.close();

    assertThat(closed).containsExactly("once");
    assertThat(lifecycle.isClosed()).isTrue();
    assertThatThrownBy(() -> lifecycle.register("late", () -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("late");
  }
}
