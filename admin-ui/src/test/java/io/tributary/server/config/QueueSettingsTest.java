package io.tributary.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.gateway.Gateway;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** --queue, --queue-max-bytes and --queue-sync, as flags and environment variables give them. */
class QueueSettingsTest {

  private static QueueSettings resolve(Map<Setting, String> flags, Map<String, String> env) {
    return ServerConfig.resolve(flags, env, Optional.empty()).queue();
  }

  @Test
  void the_default_is_a_disk_queue_of_1_gib_answered_once_written() {
    QueueSettings q = resolve(Map.of(), Map.of());
    assertThat(q.kind()).isEqualTo(Gateway.QueueKind.DISK);
    assertThat(q.maxBytes()).isEqualTo(1L << 30);
    assertThat(q.sync()).isEqualTo(Gateway.QueueSync.WRITE);
    Gateway.Settings applied = q.apply(Gateway.Settings.defaults(true));
    assertThat(applied.queue()).isEqualTo(Gateway.QueueKind.DISK);
    assertThat(applied.queueMaxBytes()).isEqualTo(1L << 30);
  }

  @Test
  void memory_has_its_own_default_size_and_flags_beat_the_environment() {
    QueueSettings memory = resolve(Map.of(Setting.QUEUE, "memory"), Map.of());
    assertThat(memory.kind()).isEqualTo(Gateway.QueueKind.MEMORY);
    assertThat(memory.maxBytes()).isEqualTo(64L << 20);
    assertThat(memory.apply(Gateway.Settings.defaults(true)).queueCapacity()).isEqualTo(50_000);

    QueueSettings given = resolve(Map.of(Setting.QUEUE_MAX_BYTES, "20GiB"),
        Map.of("TRIBUTARY_QUEUE_MAX_BYTES", "2GiB", "TRIBUTARY_QUEUE_SYNC", "fsync"));
    assertThat(given.maxBytes()).isEqualTo(20L << 30);
    assertThat(given.sync()).isEqualTo(Gateway.QueueSync.FSYNC);
  }

  @Test
  void bad_values_are_refused_naming_the_option() {
    assertThatThrownBy(() -> resolve(Map.of(Setting.QUEUE, "tape"), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--queue").hasMessageContaining("tape");
    assertThatThrownBy(() -> resolve(Map.of(Setting.QUEUE_SYNC, "sometimes"), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--queue-sync");
    assertThatThrownBy(() -> resolve(Map.of(Setting.QUEUE, "memory", Setting.QUEUE_SYNC, "fsync"), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("is for a disk queue");
    for (String bad : new String[] {"100KiB", "2TiB", "lots", "-1"}) {
      assertThatThrownBy(() -> resolve(Map.of(Setting.QUEUE_MAX_BYTES, bad), Map.of())).as(bad)
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--queue-max-bytes");
    }
  }
}
