package io.tributary.runtime.plugins;

import io.tributary.testing.TestJars;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.runtime.ExampleVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the standalone example under {@code examples/severity-normalizer} from its own sources,
 * manifest properties and service file — as its pom would — and loads it into a live registry.
 */
class ThirdPartyExampleTest {

  private static final Path EXAMPLE = Path.of("..", "examples", "severity-normalizer");

  @TempDir Path dir;

  @Test
  void the_example_plugin_builds_loads_and_passes_its_own_examples() throws Exception {
    Map<String, String> sources = new LinkedHashMap<>();
    Path src = EXAMPLE.resolve("src/main/java");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String className = src.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "");
        sources.put(className, Files.readString(f));
      }
    }
    Path classes = TestJars.compile(dir, sources);
    String pom = Files.readString(EXAMPLE.resolve("pom.xml"));
    String services = Files.readString(
        EXAMPLE.resolve("src/main/resources/" + PluginLoader.SERVICE_FILE)).trim();
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    TestJars.jar()
        .plugin(property(pom, "plugin.id"), property(pom, "version"))
        .manifest("Plugin-Requires", property(pom, "plugin.requires").replace("&gt;", ">").replace("&lt;", "<")
            .replace("&amp;", "&"))
        .classes(classes, "com.example")
        .services(services)
        .writeTo(plugins.resolve("severity-normalizer-1.0.0.jar"));

    try (PluginRegistry registry = new PluginRegistry(plugins, dir.resolve("cache"))) {
      registry.scan();
      assertThat(registry.files()).singleElement().satisfies(f -> assertThat(f.error()).isNull());
      ProcessorEntry entry = registry.entries("severity-normalizer").get(0);
      assertThat(entry.pluginId()).isEqualTo("severity-normalizer");
      assertThat(entry.descriptor().examples()).hasSize(3);
      assertThat(ExampleVerifier.verify(entry.factory())).isEmpty();
    }
  }

  private static String property(String pom, String name) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
    if (!m.find()) {
      throw new IOException("the example pom has no <" + name + ">");
    }
    String value = m.group(1);
    return value.equals("${project.version}") ? property(pom.substring(pom.indexOf("<artifactId>")), "version") : value;
  }
}
