package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.gateway.ExporterSpec;
import io.tributary.testing.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newly dropped jar whose processor breaks the contract of its previous version under a patch
 * bump (here: an optional config key becomes required, so a pipeline that left it out no longer
 * compiles on the new version) is flagged in {@code GET /api/v1/plugins}, with the breaking
 * changes; a jar that keeps its contract is not.
 */
public class ContractBreakTest {

  @TempDir Path dir;

  public static String source(String pkg, String version, String modeField) {
    return "package " + pkg + ";\n"
        + "import io.tributary.api.*;\n"
        + "public final class ShaperFactory implements ProcessorFactory {\n"
        + "  static final ConfigField<String> MODE = " + modeField + ";\n"
        + "  public ProcessorDescriptor descriptor() {\n"
        + "    return ProcessorDescriptor.builder(\"shaper\", \"" + version + "\").writes(\"shape\")"
        + ".config(MODE).stable().build();\n"
        + "  }\n"
        + "  public Processor create(ProcessorContext context) {\n"
        + "    String mode = context.config().get(MODE);\n"
        + "    return item -> item.attributes().put(\"shape\", mode == null ? \"round\" : mode);\n"
        + "  }\n"
        + "}\n";
  }

  public static void jar(Path build, Path plugins, String pkg, String version, String modeField) throws Exception {
    Path classes = TestJars.compile(Files.createDirectories(build.resolve(pkg)),
        Map.of(pkg + ".ShaperFactory", source(pkg, version, modeField)));
    TestJars.jar().plugin("shaper", version).classes(classes, pkg).services(pkg + ".ShaperFactory")
        .writeTo(plugins.resolve("shaper-" + version + ".jar"));
  }

  @Test
  void a_patch_that_breaks_the_contract_is_flagged_with_its_breaking_changes() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path build = dir.resolve("build");
    jar(build, plugins, "fx.shaper.a", "1.0.0", "ConfigField.string(\"mode\")");
    jar(build, plugins, "fx.shaper.b", "1.0.1", "ConfigField.string(\"mode\").required()");
    jar(build, plugins, "fx.shaper.c", "1.1.0", "ConfigField.string(\"mode\").required().doc(\"the shape\")");
    try (TestNode node = TestNode.start(dir.resolve("data"), "dev", ExporterSpec.DEFAULT, plugins,
        Duration.ofSeconds(5))) {
      JsonNode files = null;
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline) {
        files = node.get("/api/v1/plugins", TestNode.ADMIN_TOKEN).json();
        if (files.size() == 3 && files.findValuesAsText("state").stream().allMatch("loaded"::equals)
            && node.get("/api/v1/processors/shaper", TestNode.ADMIN_TOKEN).json().get("versions").size() == 3) {
          break;
        }
        Thread.sleep(100);
      }
      JsonNode broken = null;
      for (JsonNode f : files) {
        String file = f.get("file").asText();
        if (file.contains("1.0.1")) {
          broken = f;
        } else {
          assertThat(f.get("contractBreaks")).as(file).isEmpty();
        }
      }
      assertThat(broken).isNotNull();
      JsonNode b = broken.get("contractBreaks");
      assertThat(b).hasSize(1);
      assertThat(b.get(0).get("from").asText()).isEqualTo("1.0.0");
      assertThat(b.get(0).get("to").asText()).isEqualTo("1.0.1");
      assertThat(b.get(0).get("actualBump").asText()).isEqualTo("patch");
      assertThat(b.get(0).get("requiredBump").asText()).isEqualTo("major");
      assertThat(b.get(0).get("changes").toString()).contains("config.required").contains("mode");
    }
  }
}
