package io.tributary.server.cli;

import io.tributary.catalog.ContractDiff;
import io.tributary.catalog.DescriptorJson;
import io.tributary.runtime.ExampleVerifier;
import io.tributary.runtime.SemanticVersion;
import io.tributary.runtime.plugins.PluginFile;
import io.tributary.runtime.plugins.PluginRegistry;
import io.tributary.runtime.plugins.ProcessorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The check of one plugin jar, shared by {@code tributary check-plugin} (which prints it) and the
 * server's {@code POST /api/v1/plugins/check} (whose child process answers it as JSON): loads the
 * jar the way the server would (same loader, same descriptor rules, same time limit on each call
 * into its code), runs each processor's worked examples, and compares each processor with the
 * newest lower version the catalog knows. The jar's code runs in the calling process.
 */
public final class PluginCheck {

  /** The catalog's versions of a processor id: each version with its descriptor, as the catalog stores it. */
  public interface Versions {
    List<Map.Entry<String, Map<String, Object>>> of(String id);
  }

  /**
   * One processor the jar offers.
   *
   * @param contract the comparison with {@code previous}; null when the catalog has no lower version
   */
  public record ProcessorReport(String id, String version, List<ExampleVerifier.Result> examples,
      ContractDiff contract) {

    public String coordinates() {
      return id + "@" + version;
    }

    public boolean examplesFail() {
      return examples.stream().anyMatch(r -> !r.passed());
    }

    public boolean breaksSemver() {
      return contract != null && contract.semverViolation();
    }
  }

  /**
   * What became of the jar.
   *
   * @param error why the server would refuse the jar (it does not load); null when it loads
   */
  public record Report(String file, String sha256, String pluginId, String pluginVersion, String error,
      List<ProcessorReport> processors) {

    public boolean loads() {
      return error == null;
    }
  }

  private PluginCheck() {}

  /**
   * Checks {@code jar}, working in {@code work} (an empty directory the caller deletes), each call
   * into the jar's code limited to {@code callLimit}. {@code versions} is asked only if the jar loads.
   */
  public static Report run(Path jar, Path work, Duration callLimit, Versions versions) throws IOException {
    Path folder = Files.createDirectories(work.resolve("plugins"));
    Files.copy(jar, folder.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    try (PluginRegistry registry = new PluginRegistry(folder, work.resolve("cache"), callLimit)) {
      registry.scan();
      PluginFile file = registry.files().get(0);
      if (file.state() == PluginFile.State.FAILED) {
        return new Report(jar.getFileName().toString(), file.sha256(), file.pluginId(), file.pluginVersion(),
            file.error() == null ? "it does not load" : file.error(), List.of());
      }
      List<ProcessorReport> processors = new ArrayList<>();
      for (ProcessorEntry entry : registry.entries()) {
        processors.add(new ProcessorReport(entry.descriptor().id(), entry.descriptor().version(),
            ExampleVerifier.run(entry.factory(), callLimit), contract(versions, entry)));
      }
      return new Report(jar.getFileName().toString(), file.sha256(), file.pluginId(), file.pluginVersion(), null,
          processors);
    }
  }

  /** The processor against the catalog's newest version below its own; null if there is none. */
  private static ContractDiff contract(Versions versions, ProcessorEntry entry) {
    String id = entry.descriptor().id();
    SemanticVersion newVersion = SemanticVersion.parse(entry.descriptor().version());
    Optional<Map.Entry<String, Map<String, Object>>> previous = versions.of(id).stream()
        .filter(p -> SemanticVersion.isValid(p.getKey())
            && SemanticVersion.parse(p.getKey()).compareTo(newVersion) < 0)
        .max(Comparator.comparing(p -> SemanticVersion.parse(p.getKey())));
    if (previous.isEmpty()) {
      return null;
    }
    return ContractDiff.compare(previous.get().getValue(), DescriptorJson.toMap(entry.descriptor()));
  }

  /** The report as the API answers it (see {@code POST /api/v1/plugins/check}). */
  public static Map<String, Object> toJson(Report report) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", report.file());
    m.put("sha256", report.sha256());
    m.put("pluginId", report.pluginId());
    m.put("pluginVersion", report.pluginVersion());
    m.put("loads", report.loads());
    m.put("refused", report.loads() ? List.of() : List.of(report.error()));
    List<Map<String, Object>> processors = new ArrayList<>();
    for (ProcessorReport p : report.processors()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("id", p.id());
      x.put("version", p.version());
      x.put("refused", List.of());
      List<Map<String, Object>> examples = new ArrayList<>();
      for (ExampleVerifier.Result r : p.examples()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("title", r.title());
        e.put("passed", r.passed());
        e.put("expected", r.expected() == null ? null : DescriptorJson.item(r.expected()));
        e.put("actual", r.actual() == null ? null : DescriptorJson.item(r.actual()));
        e.put("message", r.message());
        examples.add(e);
      }
      x.put("examples", examples);
      x.put("contract", p.contract() == null ? null : contractJson(p.contract()));
      processors.add(x);
    }
    m.put("processors", processors);
    return m;
  }

  /** A contract comparison as the API answers it (also {@code GET /api/v1/processors/{id}/compare}). */
  public static Map<String, Object> contractJson(ContractDiff d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("from", d.from());
    m.put("to", d.to());
    m.put("requiredBump", d.requiredBump());
    m.put("actualBump", d.actualBump());
    m.put("semverViolation", d.semverViolation());
    m.put("breaking", d.changes().stream().anyMatch(ContractDiff.Change::breaking));
    m.put("changes", d.changes().stream().map(c -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("kind", c.kind());
      x.put("key", c.key());
      x.put("detail", c.detail());
      x.put("breaking", c.breaking());
      return x;
    }).toList());
    return m;
  }
}
