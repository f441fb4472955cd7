package io.tributary.server.cli;

import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogProcessor;
import io.tributary.catalog.ContractDiff;
import io.tributary.catalog.DescriptorJson;
import io.tributary.runtime.SemanticVersion;
import io.tributary.runtime.plugins.PluginFile;
import io.tributary.runtime.plugins.PluginRegistry;
import io.tributary.runtime.plugins.ProcessorEntry;
import io.tributary.server.Node;
import io.tributary.server.config.InvalidConfigException;
import io.tributary.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tributary check-plugin NEW.jar}: loads a plugin jar the way the server would and
 * compares each processor it offers with the newest older version the catalog knows, so a plugin
 * author's CI can refuse a breaking change under a minor or patch version.
 *
 * <p>Exit status: 0 if the jar loads and no semver violation is found, 1 if there is a violation,
 * 3 if the jar cannot be loaded, 2 for a usage error.
 */
@Command(
    name = "check-plugin",
    mixinStandardHelpOptions = true,
    description = "Check a plugin jar against the catalog: does it load, and does each processor's "
        + "version bump match what changed in its contract?")
public final class CheckPluginCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ParentCommand TributaryCommand options;

  @Parameters(index = "0", paramLabel = "NEW.jar", description = "The plugin jar to check.")
  Path jar;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    ServerConfig config;
    try {
      config = ServerConfig.resolve(options.givenFlags(), System.getenv(), Cli.distributionHome());
    } catch (InvalidConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    if (!Files.isRegularFile(jar)) {
      throw new ParameterException(spec.commandLine(), "No such file: " + jar);
    }
    Path work = Files.createTempDirectory("tributary-check-plugin");
    try {
      Path folder = Files.createDirectories(work.resolve("plugins"));
      Files.copy(jar, folder.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      try (PluginRegistry registry = new PluginRegistry(folder, work.resolve("cache"))) {
        registry.scan();
        PluginFile file = registry.files().get(0);
        if (file.state() == PluginFile.State.FAILED) {
          out.println("FAIL " + jar.getFileName() + " does not load: " + file.error());
          return 3;
        }
        out.println("OK   " + jar.getFileName() + " loads: plugin " + file.pluginId() + "@"
            + file.pluginVersion() + " offers " + file.processors());
        boolean violation = false;
        try (Catalog catalog = Catalog.open(Node.catalogSettings(config, Clock.systemUTC()))) {
          for (ProcessorEntry entry : registry.entries()) {
            violation |= check(out, catalog, entry);
          }
        }
        return violation ? 1 : 0;
      }
    } finally {
      deleteQuietly(work);
    }
  }

  private static boolean check(PrintWriter out, Catalog catalog, ProcessorEntry entry) {
    String id = entry.descriptor().id();
    SemanticVersion newVersion = SemanticVersion.parse(entry.descriptor().version());
    Optional<CatalogProcessor> previous = catalog.processors().versions(id).stream()
        .filter(p -> SemanticVersion.parse(p.version()).compareTo(newVersion) < 0)
        .max(Comparator.comparing(p -> SemanticVersion.parse(p.version())));
    if (previous.isEmpty()) {
      out.println("NEW  " + entry.coordinates() + ": the catalog has no older version to compare with");
      return false;
    }
    Map<String, Object> to = DescriptorJson.toMap(entry.descriptor());
    ContractDiff diff = ContractDiff.compare(previous.get().descriptor(), to);
    String verdict = diff.semverViolation() ? "FAIL" : "OK  ";
    out.println(verdict + " " + id + " " + diff.from() + " → " + diff.to() + ": " + diff.actualBump()
        + " bump, changes need " + diff.requiredBump());
    List<ContractDiff.Change> changes = diff.changes();
    for (ContractDiff.Change c : changes) {
      out.println("       " + (c.breaking() ? "BREAKING " : "         ") + c.kind() + " " + c.key()
          + (c.detail() == null || c.detail().isBlank() ? "" : ": " + c.detail()));
    }
    return diff.semverViolation();
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // a temp dir: the OS cleans what is left
        }
      });
    } catch (IOException ignored) {
      // as above
    }
  }
}
