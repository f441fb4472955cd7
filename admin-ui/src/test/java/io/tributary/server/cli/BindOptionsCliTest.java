package io.tributary.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.config.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bind and cookie options on the command line, as an operator types them. */
class BindOptionsCliTest {

  @TempDir Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicReference<Runnable> stopAction = new AtomicReference<>();

  private CommandLine commandLine(Map<String, String> environment) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        if (type == ServeCommand.class) {
          return type.cast(new ServeCommand(environment, Optional.empty(), stopAction::set));
        }
        return CommandLine.defaultFactory().create(type);
      }
    };
    return Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), factory);
  }

  @Test
  void bind_options_and_a_bare_secure_cookies_flag_are_parsed() {
    CommandLine.ParseResult parsed = commandLine(Map.of()).parseArgs(
        "serve", "--bind", "127.0.0.1", "--otlp-bind", "0.0.0.0", "--secure-cookies");
    TributaryCommand top = (TributaryCommand) parsed.commandSpec().userObject();
    ServerConfig config = ServerConfig.resolve(top.givenFlags(), Map.of(), Optional.empty());
    assertThat(config.adminBind()).isEqualTo("127.0.0.1");
    assertThat(config.otlpBind()).isEqualTo("0.0.0.0");
    assertThat(config.secureCookies()).isTrue();
  }

  @Test
  void a_bad_bind_address_is_a_usage_error_and_nothing_starts() {
    int status = commandLine(Map.of("TRIBUTARY_DATA_DIR", temp.toString()))
        .execute("serve", "--admin-port", "0", "--otlp-port", "0", "--bind", "127.0.0.256");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--bind").contains("'127.0.0.256' is not an IP address");
    assertThat(stopAction.get()).as("nothing started").isNull();
  }

  @Test
  void help_documents_each_listener_option_and_its_default() {
    commandLine(Map.of()).execute("serve", "--help");
    assertThat(out.toString()).contains("--bind=<address>").contains("--admin-bind=<address>")
        .contains("--otlp-bind=<address>").contains("Default: 0.0.0.0").contains("--secure-cookies");
  }
}
