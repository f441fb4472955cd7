package io.tributary.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void help_lists_every_option_with_its_env_variable() {
    int status = run("--help");

    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("serve")
        .contains("--admin-port", "TRIBUTARY_ADMIN_PORT", "8080")
        .contains("--otlp-port", "TRIBUTARY_OTLP_PORT", "4318")
        .contains("--data-dir", "TRIBUTARY_DATA_DIR", "./data")
        .contains("--plugins-dir", "TRIBUTARY_PLUGINS_DIR")
        .contains("--env", "TRIBUTARY_ENV", "dev")
        .contains("--db-url", "TRIBUTARY_DB_URL");
  }

  @Test
  void serve_help_lists_the_inherited_options() {
    int status = run("serve", "--help");

    assertThat(status).isZero();
    assertThat(out.toString()).contains("--admin-port", "--plugins-dir", "--db-url");
  }

  @Test
  void a_bad_port_is_a_usage_error_naming_the_option() {
    int status = run("serve", "--admin-port", "abc");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--admin-port").contains("abc");
  }

  @Test
  void options_given_before_the_command_reach_it() {
    int status = run("--env", "Not_Valid", "serve");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--env").contains("Not_Valid");
  }

  @Test
  void a_missing_command_is_a_usage_error() {
    int status = run();

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("tributary serve");
  }
}
