package io.tributary.benchmarks;

import io.tributary.runtime.plugins.PluginFile;
import io.tributary.runtime.plugins.PluginRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The built-in plugin jars the build copies into the benchmark jar ({@code bundled-plugins/}),
 * loaded as the server loads its plugins folder: written to a folder, scanned by a {@link
 * PluginRegistry}, each jar in its own PF4J class loader, processors found through the plugin's
 * {@code META-INF/services}.
 */
final class BundledPlugins {

  static final String RESOURCE_DIR = "bundled-plugins/";

  /** The plugins EnrichmentWorkload's pipeline uses, as the build names them. */
  static final List<String> JARS = List.of(
      "plugin-correlation.jar", "plugin-environment.jar", "plugin-attributes.jar",
      "plugin-pii-redaction.jar");

  private BundledPlugins() {}

  /**
   * Writes the bundled jars to {@code workDir/plugins} and returns a registry that has loaded them
   * (its cache under {@code workDir/plugin-cache}).
   *
   * @throws IllegalStateException if a jar is missing from the class path or fails to load
   */
  static PluginRegistry load(Path workDir) {
    Path folder = workDir.resolve("plugins");
    try {
      Files.createDirectories(folder);
      for (String jar : JARS) {
        try (InputStream in = BundledPlugins.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + jar)) {
          if (in == null) {
            throw new IllegalStateException(RESOURCE_DIR + jar + " is not on the class path: build the"
                + " benchmarks with Maven from the root (mvn package), which copies the plugin jars in");
          }
          Files.copy(in, folder.resolve(jar));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plugin jars to " + folder, e);
    }
    PluginRegistry registry = new PluginRegistry(folder, workDir.resolve("plugin-cache"));
    registry.scan();
    for (PluginFile file : registry.files()) {
      if (file.state() != PluginFile.State.LOADED) {
        registry.close();
        throw new IllegalStateException("plugin " + file.file() + " did not load: " + file.error());
      }
    }
    if (registry.files().size() != JARS.size()) {
      throw new IllegalStateException("expected " + JARS.size() + " plugins, found " + registry.files());
    }
    return registry;
  }

  /** Deletes {@code dir} and everything under it; best effort. */
  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind is harmless.
    }
  }
}
