package io.tributary.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.gateway.ExporterSpec;
import io.tributary.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OTLP/gRPC port, the OTLP size limits and the TLS files, as flags and environment variables give them. */
class ListenerSettingsTest {

  @TempDir Path dir;

  private static ServerConfig resolve(Map<Setting, String> flags) {
    return ServerConfig.resolve(flags, Map.of(), Optional.empty());
  }

  @Test
  void defaults_are_grpc_on_4317_8_mib_bodies_4_mib_messages_and_no_tls() {
    ListenerSettings l = resolve(Map.of()).listeners();
    assertThat(l.otlpGrpcPort()).isEqualTo(4317);
    assertThat(l.otlpMaxBodyBytes()).isEqualTo(8 << 20);
    assertThat(l.otlpGrpcMaxMessageBytes()).isEqualTo(4 << 20);
    assertThat(l.tls()).isFalse();

    ListenerSettings given = ServerConfig.resolve(Map.of(Setting.OTLP_GRPC_PORT, "14317",
        Setting.OTLP_MAX_BODY_SIZE, "16MiB"), Map.of("TRIBUTARY_OTLP_GRPC_MAX_MESSAGE_SIZE", "512KiB"),
        Optional.empty()).listeners();
    assertThat(given.otlpGrpcPort()).isEqualTo(14317);
    assertThat(given.otlpMaxBodyBytes()).isEqualTo(16 << 20);
    assertThat(given.otlpGrpcMaxMessageBytes()).isEqualTo(512 << 10);
  }

  @Test
  void bad_ports_and_sizes_are_refused_naming_the_option() {
    assertThatThrownBy(() -> resolve(Map.of(Setting.OTLP_GRPC_PORT, "70000")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--otlp-grpc-port")
        .hasMessageContaining("70000");
    for (String bad : new String[] {"100", "65MiB", "huge"}) {
      assertThatThrownBy(() -> resolve(Map.of(Setting.OTLP_GRPC_MAX_MESSAGE_SIZE, bad))).as(bad)
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--otlp-grpc-max-message-size");
      assertThatThrownBy(() -> resolve(Map.of(Setting.OTLP_MAX_BODY_SIZE, bad))).as(bad)
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--otlp-max-body-size");
    }
  }

  @Test
  void tls_files_are_read_and_checked_when_the_settings_are_resolved() throws Exception {
    TestCertificates ca = TestCertificates.authority("config");
    TestCertificates.Issued server = ca.server(dir, "server");
    TestCertificates.Issued other = ca.server(dir, "other");
    Path caFile = ca.caFile(dir);

    ListenerSettings ok = resolve(Map.of(Setting.TLS_CERT, server.cert().toString(), Setting.TLS_KEY,
        server.key().toString(), Setting.TLS_CLIENT_CA, caFile.toString())).listeners();
    assertThat(ok.tls()).isTrue();
    assertThat(ok.tlsClientCa()).isEqualTo(caFile);

    assertThatThrownBy(() -> resolve(Map.of(Setting.TLS_CERT, server.cert().toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'--tls-cert' needs '--tls-key'");
    assertThatThrownBy(() -> resolve(Map.of(Setting.TLS_CLIENT_CA, caFile.toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--tls-client-ca")
        .hasMessageContaining("mutual TLS is TLS first");
    // A key that belongs to another certificate.
    assertThatThrownBy(() -> resolve(Map.of(Setting.TLS_CERT, server.cert().toString(), Setting.TLS_KEY,
        other.key().toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("does not belong to the certificate");
    // Files that are not what they should be.
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
    assertThatThrownBy(() -> resolve(Map.of(Setting.TLS_CERT, text.toString(), Setting.TLS_KEY,
        server.key().toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("holds no PEM certificate");
    assertThatThrownBy(() -> resolve(Map.of(Setting.TLS_CERT, server.cert().toString(), Setting.TLS_KEY,
        server.cert().toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("holds no PEM private key");
    assertThatThrownBy(() -> resolve(Map.of(Setting.TLS_CERT, dir.resolve("missing.pem").toString(),
        Setting.TLS_KEY, server.key().toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--tls-cert")
        .hasMessageContaining("is not a file");
    assertThatThrownBy(() -> resolve(Map.of(Setting.TLS_CERT, dir.toString(), Setting.TLS_KEY,
        server.key().toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("is not a file");
  }

  @Test
  void the_exporter_ca_applies_to_network_exporters_and_is_refused_without_one() throws Exception {
    Path caFile = TestCertificates.authority("exporter").caFile(dir);
    ServerConfig config = resolve(Map.of(Setting.EXPORTER, "jsonl,otlp-grpc=https://collector:4317",
        Setting.EXPORTER_CA, caFile.toString()));
    assertThat(config.exporters()).extracting(ExporterSpec::ca).containsExactly(null, caFile);
    assertThat(config.exporters().get(1).url()).isEqualTo("https://collector:4317");

    assertThatThrownBy(() -> resolve(Map.of(Setting.EXPORTER_CA, caFile.toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("no exporter sends over the network");
    Path notCa = Files.writeString(dir.resolve("not-ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> resolve(Map.of(Setting.EXPORTER, "otlp=https://collector:4318", Setting.EXPORTER_CA,
        notCa.toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--exporter-ca")
        .hasMessageContaining("cannot be read");
  }

  @Test
  void grpc_exporter_targets_are_host_and_port_or_an_http_url() {
    assertThat(ExporterSpec.parseList("otlp-grpc=collector:4317").get(0).url()).isEqualTo("http://collector:4317");
    assertThat(ExporterSpec.parseList("otlp-grpc=http://[::1]:4317").get(0).url()).isEqualTo("http://[::1]:4317");
    for (String bad : new String[] {"otlp-grpc=collector", "otlp-grpc=ftp://c:1", "otlp-grpc=http://c:4317/v1",
        "otlp-grpc="}) {
      assertThatThrownBy(() -> ExporterSpec.parseList(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("host:port");
    }
  }
}
