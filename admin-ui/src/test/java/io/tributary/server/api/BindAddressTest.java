package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.server.config.InvalidConfigException;
import io.tributary.server.config.ServerConfig;
import io.tributary.server.config.Setting;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --bind, --admin-bind and --otlp-bind: parsed, validated, and the listeners really bound there. */
class BindAddressTest {

  @TempDir Path dataDir;

  private static boolean accepts(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  private static int status(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void each_listener_is_bound_to_its_address_only() throws Exception {
    // Linux routes all of 127.0.0.0/8 to the loopback interface: three addresses on any machine.
    try (TestNode node = TestNode.start(dataDir, c -> c.withBind("127.0.0.2", "127.0.0.3"))) {
      int admin = node.node.server().adminPort();
      int otlp = node.node.otlpPort();
      assertThat(accepts("127.0.0.2", admin)).isTrue();
      assertThat(accepts("127.0.0.1", admin)).as("admin listener on another address").isFalse();
      assertThat(accepts("127.0.0.3", admin)).isFalse();
      assertThat(accepts("127.0.0.3", otlp)).isTrue();
      assertThat(accepts("127.0.0.1", otlp)).as("OTLP receiver on another address").isFalse();
      assertThat(accepts("127.0.0.2", otlp)).isFalse();
      assertThat(status("http://127.0.0.2:" + admin + "/api/v1/health")).isEqualTo(200);
      assertThat(status("http://127.0.0.2:" + admin + "/api/v1/processors")).isEqualTo(401);
    }
  }

  @Test
  void the_default_binds_every_interface() throws Exception {
    try (TestNode node = TestNode.start(dataDir, c -> c)) {
      assertThat(node.node.config().adminBind()).isEqualTo(ServerConfig.DEFAULT_BIND).isEqualTo("0.0.0.0");
      assertThat(accepts("127.0.0.1", node.port)).isTrue();
      assertThat(accepts("127.0.0.2", node.port)).isTrue();
      assertThat(accepts("127.0.0.2", node.node.otlpPort())).isTrue();
    }
  }

  @Test
  void bind_flags_and_variables_resolve_per_listener() {
    ServerConfig both = ServerConfig.resolve(Map.of(Setting.BIND, "127.0.0.1"), Map.of(), Optional.empty());
    assertThat(both.adminBind()).isEqualTo("127.0.0.1");
    assertThat(both.otlpBind()).isEqualTo("127.0.0.1");

    ServerConfig split = ServerConfig.resolve(Map.of(Setting.BIND, "127.0.0.1", Setting.OTLP_BIND, "0.0.0.0"),
        Map.of("TRIBUTARY_ADMIN_BIND", "[::1]"), Optional.empty());
    assertThat(split.adminBind()).as("a listener's own setting beats --bind").isEqualTo("::1");
    assertThat(split.otlpBind()).isEqualTo("0.0.0.0");

    ServerConfig fromEnv = ServerConfig.resolve(Map.of(), Map.of("TRIBUTARY_BIND", "localhost",
        "TRIBUTARY_SECURE_COOKIES", "true"), Optional.empty());
    assertThat(fromEnv.adminBind()).isEqualTo("localhost");
    assertThat(fromEnv.otlpBind()).isEqualTo("localhost");
    assertThat(fromEnv.secureCookies()).isTrue();

    ServerConfig defaults = ServerConfig.resolve(Map.of(), Map.of(), Optional.empty());
    assertThat(defaults.adminBind()).isEqualTo("0.0.0.0");
    assertThat(defaults.otlpBind()).isEqualTo("0.0.0.0");
    assertThat(defaults.secureCookies()).isFalse();
  }

  @Test
  void a_bad_bind_address_is_a_clear_error_naming_the_option() {
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.BIND, "300.1.1.1"), Map.of(), Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--bind").hasMessageContaining("'300.1.1.1' is not an IP address");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.ADMIN_BIND, "intranet.example"), Map.of(),
        Optional.empty()))
        .hasMessageContaining("--admin-bind").hasMessageContaining("is not an IP address");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(), Map.of("TRIBUTARY_OTLP_BIND", "1:2:3"),
        Optional.empty()))
        .hasMessageContaining("--otlp-bind").hasMessageContaining("TRIBUTARY_OTLP_BIND")
        .hasMessageContaining("is not an IP address");
    // 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.OTLP_BIND, "192.0.2.7"), Map.of(),
        Optional.empty()))
        .hasMessageContaining("--otlp-bind").hasMessageContaining("is not an address of this machine");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.SECURE_COOKIES, "sometimes"), Map.of(),
        Optional.empty()))
        .hasMessageContaining("--secure-cookies").hasMessageContaining("is not true or false");
  }
}
