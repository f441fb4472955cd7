package io.tributary.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report computes each headline ratio net of the copy, from the right benchmark and parameters. */
class ReportTest {

  @TempDir
  Path dir;

  private static void result(ArrayNode results, String benchmark, String param, String value, double score, double bytes) {
    ObjectNode r = results.addObject();
    r.put("benchmark", "io.tributary.benchmarks." + benchmark);
    r.putObject("params").put(param, value);
    r.putObject("primaryMetric").put("score", score).put("scoreError", 1.5);
    r.putObject("secondaryMetrics").putObject("gc.alloc.rate.norm").put("score", bytes);
  }

  @Test
  void ratios_are_taken_net_of_the_copy_and_checked_against_their_targets() throws Exception {
    ArrayNode jmh = Report.JSON.createArrayNode();
    for (String attributes : new String[] {"10", "30"}) {
      double k = attributes.equals("10") ? 1 : 3;
      result(jmh, "EnrichmentBenchmark.copyOnly", "attributes", attributes, 100 * k, 700);
      result(jmh, "EnrichmentBenchmark.handwritten", "attributes", attributes, 1100 * k, 900);
      result(jmh, "EnrichmentBenchmark.pipeline", "attributes", attributes, 1300 * k, 950);
      result(jmh, "EnrichmentBenchmark.pipelineTimingsOff", "attributes", attributes, 1290 * k, 950);
      result(jmh, "EnrichmentBenchmark.kafkaConnect", "attributes", attributes, 6000 * k, 4000);
      result(jmh, "EnrichmentBenchmark.kafkaConnectRegex", "attributes", attributes, 60000 * k, 4000);
    }
    result(jmh, "PiiRedactionBenchmark.copyOnly", "piiPercent", "10", 100, 700);
    result(jmh, "PiiRedactionBenchmark.processor", "piiPercent", "10", 1000, 700);
    result(jmh, "PiiRedactionBenchmark.regex", "piiPercent", "10", 90_100, 5000);
    result(jmh, "PiiRedactionBenchmark.processor", "piiPercent", "0", 1, 700);
    Path jmhFile = dir.resolve("jmh.json");
    Report.JSON.writeValue(jmhFile.toFile(), jmh);
    ObjectNode ingest = Report.JSON.createObjectNode();
    ingest.putObject("pipelines").putObject("pipeline").putObject("saturation").put("items_per_sec_per_core", 250_000)
        .put("cpu_us_per_item", 4.5).put("rss_mib", 600).put("max_gc_pause_ms", 3.0).put("items_per_sec", 90_000);
    ((ObjectNode) ingest.path("pipelines").path("pipeline")).putObject("half_load").put("p99_ms", 7.5)
        .put("max_gc_pause_ms", 12.0);
    ((ObjectNode) ingest.path("pipelines").path("pipeline")).putObject("steady").put("rss_mib", 200);
    ((ObjectNode) ingest.path("pipelines")).putObject("empty").putObject("saturation").put("items_per_sec", 150_000);
    ingest.putObject("floor").put("items_per_sec", 300_000);
    Path ingestFile = dir.resolve("ingest.json");
    Report.JSON.writeValue(ingestFile.toFile(), ingest);
    Path out = dir.resolve("out/latest.json");

    Report.main(new String[] {"--jmh", jmhFile.toString(), "--ingest", ingestFile.toString(), "--out", out.toString(),
        "--markdown", dir.resolve("latest.md").toString(), "--mode", "quick"});

    JsonNode latest = Report.JSON.readTree(out.toFile());
    assertThat(latest.get("pipeline_vs_handwritten").asDouble()).isEqualTo(1.2);
    assertThat(latest.get("smt_vs_pipeline").asDouble()).isEqualTo(5.0);
    assertThat(latest.get("smt_regex_vs_pipeline").asDouble()).isEqualTo(50.0);
    assertThat(latest.get("timings_on_vs_off").asDouble()).isEqualTo(1.008);
    assertThat(latest.get("pii_ns_per_item").asDouble()).isEqualTo(900);
    assertThat(latest.get("regex_vs_pii").asDouble()).isEqualTo(100);
    assertThat(latest.get("otlp_items_per_sec_per_core").asDouble()).isEqualTo(250_000);
    assertThat(latest.get("otlp_p99_ms_at_half_load").asDouble()).isEqualTo(7.5);
    assertThat(latest.at("/targets/pipeline_vs_handwritten/met").asBoolean()).isTrue();
    assertThat(latest.at("/targets/smt_vs_pipeline/met").asBoolean()).isFalse();
    assertThat(latest.at("/targets/otlp_p99_ms_at_half_load/met").asBoolean()).isFalse();
    assertThat(latest.get("otlp_cpu_us_per_span").asDouble()).isEqualTo(4.5);
    assertThat(latest.at("/targets/otlp_cpu_us_per_span/met").asBoolean()).isTrue();
    assertThat(latest.get("otlp_max_gc_pause_ms").asDouble()).isEqualTo(12.0);
    assertThat(latest.at("/targets/otlp_max_gc_pause_ms/met").asBoolean()).isFalse();
    assertThat(latest.get("otlp_rss_mib").asDouble()).isEqualTo(600);
    assertThat(latest.at("/targets/otlp_rss_mib/met").asBoolean()).isFalse();
    assertThat(latest.get("otlp_pipeline_vs_empty").asDouble()).isEqualTo(0.6);
    assertThat(latest.get("otlp_rss_mib_at_10k").asDouble()).isEqualTo(200);
    assertThat(latest.get("otlp_vs_floor").asDouble()).isEqualTo(0.3);
    assertThat(latest.at("/targets/otlp_vs_floor/met").asBoolean()).isFalse();
    assertThat(latest.at("/targets/otlp_rss_mib_at_10k/met").asBoolean()).isTrue();
    assertThat(latest.at("/targets/otlp_pipeline_vs_empty/met").asBoolean()).isTrue();
    assertThat(latest.at("/targets/pipeline_extra_bytes_per_item/value").asDouble()).isEqualTo(50);
    assertThat(latest.at("/run/mode").asText()).isEqualTo("quick");
    assertThat(latest.get("jmh")).hasSize(16);
    assertThat(Files.readString(dir.resolve("latest.md"))).contains("| `smt_vs_pipeline`").contains("**no**");

    // Where wrk ran, its closed loop sets the saturation figure.
    ((ObjectNode) ingest.path("pipelines").path("pipeline")).putObject("wrk").put("items_per_sec_per_core", 12_345);
    Report.JSON.writeValue(ingestFile.toFile(), ingest);
    Report.main(new String[] {"--jmh", jmhFile.toString(), "--ingest", ingestFile.toString(), "--out", out.toString()});
    latest = Report.JSON.readTree(out.toFile());
    assertThat(latest.get("otlp_items_per_sec_per_core").asDouble()).isEqualTo(12_345);
    assertThat(latest.at("/targets/otlp_items_per_sec_per_core/basis").asText()).contains("by wrk");
  }

  @Test
  void a_figure_whose_benchmark_did_not_run_is_null_and_not_met() throws Exception {
    Path jmhFile = dir.resolve("jmh.json");
    Files.writeString(jmhFile, "[]");
    Path out = dir.resolve("latest.json");
    Report.main(new String[] {"--jmh", jmhFile.toString(), "--out", out.toString()});
    JsonNode latest = Report.JSON.readTree(out.toFile());
    assertThat(latest.get("pipeline_vs_handwritten").isNull()).isTrue();
    assertThat(latest.at("/targets/pii_ns_per_item/met").asBoolean()).isFalse();
  }
}
