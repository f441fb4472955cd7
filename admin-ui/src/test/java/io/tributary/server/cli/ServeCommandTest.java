package io.tributary.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.config.ServerConfig;
import io.tributary.server.config.Setting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

  @TempDir Path temp;

  private final StringWriter err = new StringWriter();
  private final AtomicReference<Runnable> stopAction = new AtomicReference<>();

  private CommandLine commandLine(Map<String, String> environment) {
    return commandLine(environment, stopAction::set);
  }

  private CommandLine commandLine(Map<String, String> environment, ShutdownSignals signals) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            if (type == ServeCommand.class) {
              return type.cast(new ServeCommand(environment, Optional.empty(), signals));
            }
            return CommandLine.defaultFactory().create(type);
          }
        };
    return Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true), factory);
  }

  @Test
  void flags_given_before_or_after_the_command_are_both_seen() {
    CommandLine commandLine = commandLine(Map.of());
    CommandLine.ParseResult parsed =
        commandLine.parseArgs("--env", "prod", "serve", "--admin-port", "9000");
    TributaryCommand top = (TributaryCommand) parsed.commandSpec().userObject();

    ServerConfig config =
        ServerConfig.resolve(
            top.givenFlags(), Map.of("TRIBUTARY_ADMIN_PORT", "1", "TRIBUTARY_OTLP_PORT", "2"),
            Optional.empty());

    assertThat(config.env()).isEqualTo("prod");
    assertThat(config.adminPort()).as("flag beats env").isEqualTo(9000);
    assertThat(config.otlpPort()).as("env beats default").isEqualTo(2);
  }

  @Test
  void a_bad_env_variable_is_a_usage_error_naming_option_and_variable() {
    int status = commandLine(Map.of("TRIBUTARY_ADMIN_PORT", "eighty")).execute("serve");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--admin-port").contains("TRIBUTARY_ADMIN_PORT");
    assertThat(stopAction.get()).as("nothing started").isNull();
  }

  @Test
  void serve_creates_the_data_dir_runs_until_stopped_and_returns_0() throws Exception {
    Path dataDir = temp.resolve("nested/data");
    CommandLine commandLine = commandLine(Map.of("TRIBUTARY_DATA_DIR", dataDir.toString()));

    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(() -> commandLine.execute("serve", "--admin-port", "0"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (stopAction.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(stopAction.get()).as("serve registered its stop action").isNotNull();
    assertThat(dataDir).isDirectory();
    assertThat(status).as("serve keeps running").isNotDone();

    stopAction.get().run(); // what SIGTERM does; waits for a start in progress

    assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void a_stop_requested_during_startup_wins_and_returns_0() {
    ShutdownSignals immediately = Runnable::run;

    int status =
        commandLine(Map.of("TRIBUTARY_DATA_DIR", temp.resolve("d").toString()), immediately)
            .execute("serve", "--admin-port", "0");

    assertThat(status).isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void setting_names_match_the_documented_flags() {
    assertThat(Setting.DB_URL.flag()).isEqualTo("--db-url");
    assertThat(Setting.PLUGINS_DIR.envVar()).isEqualTo("TRIBUTARY_PLUGINS_DIR");
  }
}
