package io.tributary.server.config;

import io.tributary.gateway.ExporterSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExporterSettingsTest {

  @Test
  void jsonl_and_lineage_on_are_the_defaults() {
    ServerConfig config = ServerConfig.resolve(Map.of(), Map.of(), Optional.empty());

    assertThat(config.exporters()).isEqualTo(ExporterSpec.DEFAULT);
    assertThat(config.lineage()).isTrue();
  }

  @Test
  void several_exporters_from_the_flag_beat_the_environment() {
    ServerConfig config = ServerConfig.resolve(
        Map.of(Setting.EXPORTER, "jsonl, otlp=http://collector:4318/ ,stdout", Setting.LINEAGE, "off"),
        Map.of("TRIBUTARY_EXPORTER", "stdout", "TRIBUTARY_LINEAGE", "true"), Optional.empty());

    assertThat(config.exporters()).containsExactly(new ExporterSpec("jsonl", ""),
        new ExporterSpec("otlp", "http://collector:4318/"), new ExporterSpec("stdout", ""));
    assertThat(config.lineage()).isFalse();
  }

  @Test
  void unusable_exporters_and_lineage_values_name_the_option() {
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(), Map.of("TRIBUTARY_EXPORTER", "kafka"), Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--exporter").hasMessageContaining("TRIBUTARY_EXPORTER").hasMessageContaining("unknown");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.EXPORTER, "otlp=collector:4318"), Map.of(),
        Optional.empty())).hasMessageContaining("http(s) base URL");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.EXPORTER, " , "), Map.of(), Optional.empty()))
        .hasMessageContaining("no exporter");
    assertThatThrownBy(() -> ServerConfig.resolve(Map.of(Setting.LINEAGE, "maybe"), Map.of(), Optional.empty()))
        .hasMessageContaining("--lineage").hasMessageContaining("true or false");
    assertThat(ExporterSpec.parseList("stdout")).isEqualTo(List.of(new ExporterSpec("stdout", "")));
  }
}
