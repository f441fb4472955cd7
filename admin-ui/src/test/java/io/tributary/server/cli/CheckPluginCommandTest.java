package io.tributary.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.ProcessorDescriptor;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogSettings;
import io.tributary.catalog.DescriptorJson;
import io.tributary.catalog.ProcessorCatalog;
import io.tributary.testing.TestJars;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary check-plugin NEW.jar} against a catalog that knows an older version. */
class CheckPluginCommandTest {

  @TempDir Path temp;
  Path dataDir;
  final StringWriter out = new StringWriter();

  @BeforeEach
  void a_catalog_that_knows_tag_1_0_0_writing_two_keys() {
    dataDir = temp.resolve("data");
    ProcessorDescriptor old = ProcessorDescriptor.builder("tag", "1.0.0").writes("tag", "team")
        .stable().build();
    try (Catalog catalog = Catalog.open(CatalogSettings.embedded(dataDir))) {
      catalog.processors().synchronize(List.of(new ProcessorCatalog.Discovered("tag", "1.0.0",
          DescriptorJson.toMap(old), "tags", "1.0.0", "0".repeat(64), "plugin")), Instant.now());
    }
  }

  private Path jar(String version) throws Exception {
    Path classes = TestJars.compile(Files.createDirectories(temp.resolve("build-" + version)),
        Map.of("fx.TagFactory", TestJars.factorySource("fx.TagFactory", "tag", version, "tag", "x")));
    return TestJars.jar().plugin("tags", version).classes(classes, "fx").services("fx.TagFactory")
        .writeTo(temp.resolve("tags-" + version + ".jar"));
  }

  private int run(Path jar) {
    return Cli.commandLine(new PrintWriter(out, true), new PrintWriter(out, true))
        .execute("check-plugin", "--data-dir", dataDir.toString(), jar.toString());
  }

  @Test
  void a_breaking_change_under_a_minor_bump_fails() throws Exception {
    assertThat(run(jar("1.1.0"))).as("%s", out).isEqualTo(1);
    assertThat(out.toString()).contains("loads: plugin tags@1.1.0").contains("FAIL tag 1.0.0 → 1.1.0")
        .contains("BREAKING").contains("team");
  }

  @Test
  void the_same_change_under_a_major_bump_passes() throws Exception {
    assertThat(run(jar("2.0.0"))).as("%s", out).isZero();
    assertThat(out.toString()).contains("OK   tag 1.0.0 → 2.0.0");
  }

  @Test
  void a_jar_that_does_not_load_exits_3_with_the_cause() throws Exception {
    Path broken = Files.writeString(temp.resolve("broken.jar"), "not a jar");
    assertThat(run(broken)).isEqualTo(3);
    assertThat(out.toString()).contains("does not load").contains("not a valid jar");
  }

  private int run(String... args) {
    return Cli.commandLine(new PrintWriter(out, true), new PrintWriter(out, true)).execute(args);
  }

  @Test
  void against_a_running_servers_api_the_contract_is_compared_with_its_catalog() throws Exception {
    Path jar = jar("1.1.0");
    try (io.tributary.server.api.TestNode node = io.tributary.server.api.TestNode.start(dataDir)) {
      Path token = Files.writeString(temp.resolve("token"), io.tributary.server.api.TestNode.ADMIN_TOKEN + "\n");
      String url = "http://localhost:" + node.port;
      assertThat(run("check-plugin", "--server", url, "--token-file", token.toString(), jar.toString()))
          .as("%s", out).isEqualTo(1);
      assertThat(out.toString()).contains("FAIL tag 1.0.0 → 1.1.0").contains("BREAKING").contains("team");

      out.getBuffer().setLength(0);
      Path wrong = Files.writeString(temp.resolve("wrong"), "not-a-token");
      assertThat(run("check-plugin", "--server", url, "--token-file", wrong.toString(), jar.toString()))
          .isEqualTo(2);
      assertThat(out.toString()).contains("refused the token (HTTP 401)").doesNotContain("\tat ");
    }
  }

  @Test
  void a_worked_example_that_does_not_hold_fails_the_check() throws Exception {
    Path jar = io.tributary.server.api.PluginCheckApiTest.failingExampleJar(Files.createDirectories(temp.resolve("build-ex")));
    assertThat(run(jar)).as("%s", out).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL ex@1.0.0: 1 of 1 worked example(s) fail").contains("example 'tags'")
        .contains("NEW  ex@1.0.0");
  }
}
