package io.tributary.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  private static final Map<Setting, String> NO_FLAGS = Map.of();
  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  void defaults_apply_when_neither_flag_nor_env_is_given() {
    ServerConfig config = ServerConfig.resolve(NO_FLAGS, NO_ENV, Optional.empty());

    assertThat(config.adminPort()).isEqualTo(8080);
    assertThat(config.otlpPort()).isEqualTo(4318);
    assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(config.pluginsDir()).isEqualTo(Path.of("plugins").toAbsolutePath());
    assertThat(config.env()).isEqualTo("dev");
    assertThat(config.dbUrl()).isEmpty();
    assertThat(config.embeddedDatabase()).isTrue();
  }

  @Test
  void the_lookup_dir_defaults_to_the_data_dirs_and_its_size_limit_takes_units() {
    ServerConfig defaults = ServerConfig.resolve(Map.of(Setting.DATA_DIR, "/srv/d"), NO_ENV, Optional.empty());
    assertThat(defaults.lookupDir()).isEqualTo(Path.of("/srv/d/lookup"));
    assertThat(defaults.lookupMaxFileSize()).isEqualTo(64L * 1024 * 1024);

    ServerConfig given = ServerConfig.resolve(Map.of(Setting.LOOKUP_DIR, "/srv/tables",
        Setting.LOOKUP_MAX_FILE_SIZE, "8MiB"), Map.of("TRIBUTARY_LOOKUP_DIR", "/from/env"), Optional.empty());
    assertThat(given.lookupDir()).isEqualTo(Path.of("/srv/tables"));
    assertThat(given.lookupMaxFileSize()).isEqualTo(8L * 1024 * 1024);
    assertThat(ServerConfig.resolve(NO_FLAGS, Map.of("TRIBUTARY_LOOKUP_MAX_FILE_SIZE", "1000"), Optional.empty())
        .lookupMaxFileSize()).isEqualTo(1000);

    for (String bad : new String[] {"0", "-1", "big", "3GiB", "1.5MiB"}) {
      assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.LOOKUP_MAX_FILE_SIZE, bad), NO_ENV,
          Optional.empty()))
          .as(bad).isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("--lookup-max-file-size").hasMessageContaining(bad);
    }
  }

  @Test
  void env_variables_beat_defaults() {
    Map<String, String> env =
        Map.of(
            "TRIBUTARY_ADMIN_PORT", "9090",
            "TRIBUTARY_OTLP_PORT", "14318",
            "TRIBUTARY_DATA_DIR", "/srv/tributary/data",
            "TRIBUTARY_PLUGINS_DIR", "/srv/tributary/plugins",
            "TRIBUTARY_ENV", "staging",
            "TRIBUTARY_DB_URL", "jdbc:postgresql://db/tributary");

    ServerConfig config = ServerConfig.resolve(NO_FLAGS, env, Optional.empty());

    assertThat(config)
        .isEqualTo(
            new ServerConfig(
                9090,
                14318,
                Path.of("/srv/tributary/data"),
                Path.of("/srv/tributary/plugins"),
                "staging",
                "jdbc:postgresql://db/tributary"));
    assertThat(config.embeddedDatabase()).isFalse();
  }

  @Test
  void strict_writes_are_off_unless_asked_for() {
    assertThat(ServerConfig.resolve(NO_FLAGS, Map.of(), Optional.empty()).strictWrites()).isFalse();
    assertThat(ServerConfig.resolve(Map.of(Setting.STRICT_WRITES, "true"), Map.of(), Optional.empty())
        .strictWrites()).isTrue();
    assertThat(ServerConfig.resolve(NO_FLAGS, Map.of("TRIBUTARY_STRICT_WRITES", "true"), Optional.empty())
        .strictWrites()).isTrue();
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.STRICT_WRITES, "maybe"), Map.of(), Optional.empty()))
        .hasMessageContaining("--strict-writes");
  }

  @Test
  void flags_beat_env_variables() {
    Map<String, String> env =
        Map.of(
            "TRIBUTARY_ADMIN_PORT", "9090",
            "TRIBUTARY_ENV", "staging",
            "TRIBUTARY_DATA_DIR", "/from/env");
    Map<Setting, String> flags =
        Map.of(
            Setting.ADMIN_PORT, "7070",
            Setting.ENV, "prod-eu-1",
            Setting.DATA_DIR, "/from/flag");

    ServerConfig config = ServerConfig.resolve(flags, env, Optional.empty());

    assertThat(config.adminPort()).isEqualTo(7070);
    assertThat(config.env()).isEqualTo("prod-eu-1");
    assertThat(config.dataDir()).isEqualTo(Path.of("/from/flag"));
  }

  @Test
  void a_flag_given_empty_clears_the_db_url_from_env() {
    ServerConfig config =
        ServerConfig.resolve(
            Map.of(Setting.DB_URL, ""),
            Map.of("TRIBUTARY_DB_URL", "jdbc:postgresql://db/x"),
            Optional.empty());

    assertThat(config.embeddedDatabase()).isTrue();
  }

  @Test
  void blank_env_variables_count_as_unset() {
    ServerConfig config =
        ServerConfig.resolve(
            NO_FLAGS, Map.of("TRIBUTARY_ADMIN_PORT", " ", "TRIBUTARY_ENV", ""), Optional.empty());

    assertThat(config.adminPort()).isEqualTo(8080);
    assertThat(config.env()).isEqualTo("dev");
  }

  @Test
  void plugins_dir_defaults_to_the_distribution_home() {
    ServerConfig config =
        ServerConfig.resolve(NO_FLAGS, NO_ENV, Optional.of(Path.of("/opt/tributary")));

    assertThat(config.pluginsDir()).isEqualTo(Path.of("/opt/tributary/plugins"));
  }

  @Test
  void plugins_dir_flag_beats_the_distribution_home() {
    ServerConfig config =
        ServerConfig.resolve(
            Map.of(Setting.PLUGINS_DIR, "/elsewhere"),
            Map.of(),
            Optional.of(Path.of("/opt/tributary")));

    assertThat(config.pluginsDir()).isEqualTo(Path.of("/elsewhere"));
  }

  @Test
  void a_port_that_is_not_a_number_is_refused_naming_the_option() {
    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of(Setting.ADMIN_PORT, "abc"), NO_ENV, Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--admin-port")
        .hasMessageContaining("'abc'")
        .extracting(e -> ((InvalidConfigException) e).setting())
        .isEqualTo(Setting.ADMIN_PORT);
  }

  @Test
  void a_port_out_of_range_is_refused() {
    assertThatThrownBy(
            () ->
                ServerConfig.resolve(Map.of(Setting.OTLP_PORT, "65536"), NO_ENV, Optional.empty()))
        .hasMessageContaining("--otlp-port")
        .hasMessageContaining("65536");
    assertThatThrownBy(
            () -> ServerConfig.resolve(Map.of(Setting.OTLP_PORT, "-1"), NO_ENV, Optional.empty()))
        .hasMessageContaining("--otlp-port");
  }

  @Test
  void a_bad_env_variable_is_refused_naming_option_and_variable() {
    assertThatThrownBy(
            () ->
                ServerConfig.resolve(
                    NO_FLAGS, Map.of("TRIBUTARY_ADMIN_PORT", "80x"), Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--admin-port")
        .hasMessageContaining("TRIBUTARY_ADMIN_PORT");
  }

  @Test
  void env_names_must_be_lowercase_words_of_at_most_32_characters() {
    for (String bad : new String[] {"Prod", "1prod", "prod_eu", "-prod", "a".repeat(33)}) {
      assertThatThrownBy(
              () -> ServerConfig.resolve(Map.of(Setting.ENV, bad), NO_ENV, Optional.empty()))
          .as(bad)
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("--env");
    }
    assertThat(
            ServerConfig.resolve(Map.of(Setting.ENV, "a".repeat(32)), NO_ENV, Optional.empty())
                .env())
        .hasSize(32);
  }

  @Test
  void the_record_itself_refuses_invalid_values() {
    assertThatThrownBy(() -> new ServerConfig(70_000, 4318, Path.of("d"), Path.of("p"), "dev", ""))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--admin-port");
    assertThatThrownBy(() -> new ServerConfig(8080, 4318, Path.of("d"), Path.of("p"), "DEV", ""))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--env");
  }
}
