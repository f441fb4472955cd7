package io.tributary.server.cli;

import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogSettings;
import io.tributary.catalog.ContractDiff;
import io.tributary.runtime.ExampleVerifier;
import io.tributary.runtime.PluginGuard;
import io.tributary.server.Node;
import io.tributary.server.config.InvalidConfigException;
import io.tributary.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tributary check-plugin NEW.jar}: loads a plugin jar the way the server would, runs each
 * processor's worked examples, and compares each processor it offers with the newest older
 * version the catalog knows, so a plugin author's CI can refuse a breaking change under a minor
 * or patch version. The catalog is read from a running server's API ({@code --server URL}, with a
 * token from {@code TRIBUTARY_TOKEN} or {@code --token-file}), or from the database directly. An
 * embedded catalog a running server holds is read from a copy of its file taken now, so the
 * server's lock is never taken or waited for. The jar's code runs here, in this process; the server's {@code POST
 * /api/v1/plugins/check} runs the same check ({@link PluginCheck}) in a child process of its own.
 *
 * <p>Exit status: 0 if the jar loads, its examples pass and no semver violation is found, 1 if
 * there is a violation or a failing example, 3 if the jar cannot be loaded, 2 for a usage error
 * or a catalog that cannot be read (one line saying why).
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

  @picocli.CommandLine.Option(names = "--server", paramLabel = "<url>",
      description = "Read the catalog from this running server's API (e.g. http://localhost:8080)"
          + " instead of its database; a token (any role) comes from TRIBUTARY_TOKEN or --token-file.")
  java.net.URI server;

  @picocli.CommandLine.Option(names = "--token-file", paramLabel = "<path>",
      description = "A file holding the token for --server (e.g. <data-dir>/admin.token).")
  Path tokenFile;

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
    // The catalog is opened only once the jar has loaded, and closed when the check is done.
    Catalog[] opened = new Catalog[1];
    try {
      PluginCheck.Versions versions = server != null ? new ApiVersions(server, token()) : id -> {
        if (opened[0] == null) {
          opened[0] = openCatalog(config, work, out);
        }
        return opened[0].processors().versions(id).stream()
            .map(p -> Map.entry(p.version(), p.descriptor())).toList();
      };
      PluginCheck.Report report = PluginCheck.run(jar, work, PluginGuard.DEFAULT_LIMIT, versions);
      if (!report.loads()) {
        out.println("FAIL " + jar.getFileName() + " does not load: " + report.error());
        return 3;
      }
      out.println("OK   " + jar.getFileName() + " loads: plugin " + report.pluginId() + "@"
          + report.pluginVersion() + " offers " + report.processors().stream()
              .map(PluginCheck.ProcessorReport::coordinates).toList());
      boolean violation = false;
      for (PluginCheck.ProcessorReport p : report.processors()) {
        violation |= examples(out, p);
      }
      for (PluginCheck.ProcessorReport p : report.processors()) {
        violation |= contract(out, p);
      }
      return violation ? 1 : 0;
    } finally {
      if (opened[0] != null) {
        opened[0].close();
      }
      deleteQuietly(work);
    }
  }

  /** Prints the processor's worked examples; true if any fails. */
  private static boolean examples(PrintWriter out, PluginCheck.ProcessorReport p) {
    int total = p.examples().size();
    List<String> failures = p.examples().stream().filter(r -> !r.passed()).map(ExampleVerifier.Result::message)
        .toList();
    if (failures.isEmpty()) {
      out.println("OK   " + p.coordinates() + ": " + total + " worked example(s) pass");
      return false;
    }
    out.println("FAIL " + p.coordinates() + ": " + failures.size() + " of " + total + " worked example(s) fail");
    for (String f : failures) {
      out.println("       " + f.replace("\n", "\n       "));
    }
    return true;
  }

  private Catalog openCatalog(ServerConfig config, Path work, PrintWriter out) {
    CatalogSettings settings = Node.catalogSettings(config, Clock.systemUTC());
    try {
      return Catalog.open(settings);
    } catch (RuntimeException e) {
      String cause = rootMessage(e);
      if (!settings.isEmbedded() || !(cause.contains("already in use") || cause.contains("locked"))) {
        throw new ParameterException(spec.commandLine(), "Cannot open the catalog: " + cause);
      }
    }
    // A running server holds the embedded database: read a copy of its file instead. H2 never
    // writes a chunk in place, so a copy opens at its last complete commit; the server's own file
    // and lock are left alone, and whatever opening the copy writes stays in the copy.
    try {
      Path snapshot = Files.createDirectories(work.resolve("catalog-snapshot"));
      Files.copy(config.dataDir().resolve(CATALOG_FILE), snapshot.resolve(CATALOG_FILE));
      Catalog copy = Catalog.open(new CatalogSettings(null, null, null, snapshot, masterKey(settings, config.dataDir()),
          settings.clock()));
      out.println("NOTE the catalog under " + config.dataDir() + " is in use by a running server: read from a copy"
          + " taken now (or check against the server with --server)");
      return copy;
    } catch (IOException | RuntimeException e) {
      throw new ParameterException(spec.commandLine(), "The catalog under " + config.dataDir()
          + " is in use by a running server and a copy of it could not be read (" + rootMessage(e)
          + "): check against the server with --server http://HOST:" + config.adminPort()
          + " and a token (TRIBUTARY_TOKEN or --token-file)");
    }
  }

  /** The embedded catalog's database file under the data dir (see {@code Stores.h2Url}). */
  private static final String CATALOG_FILE = "catalog.mv.db";

  /**
   * The master key the server uses, so the copy opens under it: the configured one, else the
   * environment's, else the data dir's key file (read, never copied to disk).
   */
  private static String masterKey(CatalogSettings settings, Path dataDir) throws IOException {
    if (settings.masterKey() != null) {
      return settings.masterKey();
    }
    String fromEnv = System.getenv("TRIBUTARY_SECRET_KEY");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    return Files.readString(dataDir.resolve("secret.key"), java.nio.charset.StandardCharsets.US_ASCII).strip();
  }

  private String token() {
    String token = System.getenv("TRIBUTARY_TOKEN");
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile).strip();
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "Cannot read --token-file " + tokenFile + ": "
            + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
      }
    }
    if (token == null || token.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--server needs a token: set TRIBUTARY_TOKEN or pass --token-file");
    }
    return token;
  }

  /** The catalog as a running server's API shows it: {@code GET /api/v1/processors/{id}}. */
  private final class ApiVersions implements PluginCheck.Versions {
    private final java.net.URI base;
    private final String token;
    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .connectTimeout(java.time.Duration.ofSeconds(10)).build();

    ApiVersions(java.net.URI base, String token) {
      this.base = base;
      this.token = token;
    }

    @Override
    public List<Map.Entry<String, Map<String, Object>>> of(String id) {
      java.net.URI uri = base.resolve("/api/v1/processors/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8));
      java.net.http.HttpResponse<String> r;
      try {
        r = http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "Cannot reach " + base + ": " + rootMessage(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ParameterException(spec.commandLine(), "Interrupted while asking " + base);
      }
      if (r.statusCode() == 404) {
        return List.of();
      }
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        throw new ParameterException(spec.commandLine(), base + " refused the token (HTTP " + r.statusCode() + ")");
      }
      if (r.statusCode() != 200) {
        throw new ParameterException(spec.commandLine(), base + " answered HTTP " + r.statusCode() + " for " + uri.getPath());
      }
      try {
        com.fasterxml.jackson.databind.JsonNode body = json.readTree(r.body());
        List<Map.Entry<String, Map<String, Object>>> out = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode v : body.path("versionDetails")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> descriptor = json.convertValue(v.get("descriptor"), Map.class);
          out.add(Map.entry(v.get("version").asText(), descriptor));
        }
        return out;
      } catch (IOException | RuntimeException e) {
        throw new ParameterException(spec.commandLine(), base + " is not a Tributary server (" + rootMessage(e) + ")");
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  /** Prints the processor's contract against the catalog's older version; true for a semver violation. */
  private static boolean contract(PrintWriter out, PluginCheck.ProcessorReport p) {
    ContractDiff diff = p.contract();
    if (diff == null) {
      out.println("NEW  " + p.coordinates() + ": the catalog has no older version to compare with");
      return false;
    }
    String verdict = diff.semverViolation() ? "FAIL" : "OK  ";
    out.println(verdict + " " + p.id() + " " + diff.from() + " → " + diff.to() + ": " + diff.actualBump()
        + " bump, changes need " + diff.requiredBump());
    for (ContractDiff.Change c : diff.changes()) {
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
