package io.tributary.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Write your own processor" commands, run as a new plugin author runs them: in a
 * clean copy of the repository (sources only), the fenced block after the marker {@code
 * <!-- plugin-author-steps -->} is run line by line with {@code sh}. The README is the script, so
 * it cannot drift from what works. The author ends with a jar whose own tests ran through the
 * plugin test kit.
 */
class PluginAuthorStepsIT {

  private static final String MARKER = "<!-- plugin-author-steps -->";

  @Test
  void the_readme_takes_a_new_author_from_nothing_to_a_tested_plugin_jar(@TempDir Path tmp)
      throws Exception {
    Path repo = Path.of(System.getProperty("tributary.repository.dir")).toAbsolutePath().normalize();
    Path clone = tmp.resolve("clone");
    copySources(repo, clone);
    List<String> steps = steps(Files.readString(clone.resolve("README.md")));
    assertThat(steps).as("the README's plugin-author commands").isNotEmpty();

    Path mavenBin = Path.of(System.getProperty("tributary.maven.home", ""), "bin");
    Path log = tmp.resolve("steps.log");
    // Each line as written, all in one shell so that `cd` carries over, as in a terminal.
    String script = "set -e\n" + String.join("\n", steps) + "\n";
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", script)
        .directory(clone.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("PATH", mavenBin + ":" + System.getenv("PATH"));
    Process p = pb.start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(done).as("the steps finished in time:\n%s", output).isTrue();
    assertThat(p.exitValue()).as("the steps succeed:\n%s", output).isZero();

    Path example = clone.resolve("examples/severity-normalizer");
    Path jar = example.resolve("target/severity-normalizer-1.0.0.jar");
    assertThat(jar).exists();
    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Plugin-Id")).isEqualTo("severity-normalizer");
      assertThat(j.getEntry("META-INF/services/io.tributary.api.ProcessorFactory")).isNotNull();
      assertThat(j.stream().map(e -> e.getName()))
          .as("the host supplies platform-api; the jar must not pack it")
          .noneMatch(n -> n.startsWith("io/tributary/api/"));
    }
    Path report = example.resolve(
        "target/surefire-reports/TEST-com.example.severity.SeverityNormalizerFactoryTest.xml");
    assertThat(report).as("the plugin's own tests ran").exists();
    String xml = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(xml).contains("failures=\"0\"").contains("errors=\"0\"").doesNotContain("tests=\"0\"");
  }

  /** The shell lines of the fenced block after the marker, without the server-dependent ones. */
  static List<String> steps(String readme) {
    int at = readme.indexOf(MARKER);
    assertThat(at).as("README.md has the marker " + MARKER).isGreaterThanOrEqualTo(0);
    int open = readme.indexOf("```", at);
    int start = readme.indexOf('\n', open) + 1;
    int close = readme.indexOf("```", start);
    List<String> out = new ArrayList<>();
    for (String line : readme.substring(start, close).split("\n")) {
      String l = line.strip();
      // Copying into a running server's folder and asking it are the server's part; the author's
      // part is the built, tested jar.
      if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("cp ") && !l.startsWith("curl ")) {
        out.add(l);
      }
    }
    return out;
  }

  private static void copySources(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        if (!dir.equals(from) && (name.equals("target") || name.startsWith("."))) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
