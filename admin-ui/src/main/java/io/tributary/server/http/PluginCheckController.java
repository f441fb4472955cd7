package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogProcessor;
import io.tributary.runtime.plugins.PluginRegistry;
import io.tributary.runtime.plugins.ProcessorEntry;
import io.tributary.server.http.Api.Access;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/plugins/check}: a plugin jar, uploaded as the request body, checked as this
 * node would load it, in a child JVM ({@link PluginCheckProcess}); the answer names its
 * processors, each one's worked examples and contract against the catalog's nearest lower
 * version, every reason this node would refuse it, and a verdict.
 *
 * <p>Admin only: the check runs the uploaded code, and although it runs in a child process with no
 * database, no environment and no secrets handed to it, that process is the server's own
 * operating-system user. Node-wide, one check runs at a time (another is answered 503 with
 * {@code Retry-After}); each is audited ({@code plugin.checked}: who, the jar's SHA-256, the verdict).
 */
public final class PluginCheckController implements Controller {

  private static final Logger LOG = LoggerFactory.getLogger(PluginCheckController.class);

  /** The largest jar accepted. */
  public static final long MAX_JAR_BYTES = 50L << 20;

  private static final Set<String> JAR_TYPES = Set.of("application/java-archive", "application/x-java-archive",
      "application/octet-stream", "application/zip");
  private static final io.javalin.json.JsonMapper JSON = RequestJson.javalinMapper();
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final Catalog catalog;
  private final PluginRegistry registry;
  private final ExpensiveRequests limits;
  private final PluginCheckProcess process;
  private final Duration callLimit;
  private final Clock clock;
  private final Semaphore oneAtATime = new Semaphore(1);
  private volatile long busyUntilMillis;

  /**
   * @param callLimit the time limit of each call into plugin code on this node, applied in the check too
   */
  public PluginCheckController(Catalog catalog, PluginRegistry registry, ExpensiveRequests limits,
      PluginCheckProcess.Limits checkLimits, Duration callLimit, Clock clock) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.process = new PluginCheckProcess(checkLimits);
    this.callLimit = Objects.requireNonNull(callLimit, "callLimit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void register(Api api) {
    PluginCheckProcess.Limits l = process.limits();
    api.post("/api/v1/plugins/check", Access.ADMIN,
        "Check a plugin jar before dropping it in: loads it as this node would and answers its processors,"
            + " each one's worked examples and contract against the catalog's nearest lower version (the semver"
            + " verdict), every reason this node would refuse it, and a verdict (ok, refused, breaks-semver,"
            + " examples-fail). Admin only, not operator: checking runs the uploaded code, which is as much as"
            + " installing it. It runs in a child process (no database, no environment variables, "
            + l.maxHeapMiB() + " MiB heap, stopped after " + l.wallClock().toSeconds() + " s: 422), one check"
            + " per node at a time (503 with Retry-After). At most " + (MAX_JAR_BYTES >> 20) + " MiB (413)."
            + " ?name= the file name to show. Audited (plugin.checked).",
        "the jar's bytes, Content-Type: application/java-archive (or application/octet-stream)",
        limits.limit(this::check));
  }

  private void check(Context ctx) throws IOException {
    String type = ctx.contentType() == null ? "" : ctx.contentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!JAR_TYPES.contains(type)) {
      throw new ApiException(415, "unsupported_media_type", "Send the jar's bytes as the body with Content-Type:"
          + " application/java-archive (or application/octet-stream), e.g. curl --data-binary @plugin.jar"
          + " -H 'Content-Type: application/java-archive'; got " + (type.isEmpty() ? "none" : ApiErrors.oneLine(type)));
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_JAR_BYTES) {
      throw tooLarge();
    }
    String name = displayName(ctx.queryParam("name"));
    if (!oneAtATime.tryAcquire()) {
      long seconds = Math.max(1, (busyUntilMillis - clock.millis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      throw new ApiException(503, "check_busy", "Another plugin check is running on this node (one at a time);"
          + " retry after " + seconds + " s", Map.of("retryAfterSeconds", seconds));
    }
    Path work = null;
    try {
      busyUntilMillis = clock.millis() + process.limits().wallClock().toMillis();
      work = Files.createTempDirectory("tributary-plugin-check-");
      Path jar = work.resolve("plugin.jar");
      Upload upload = receive(ctx.req().getInputStream(), jar);
      Path catalogJson = work.resolve("catalog.json");
      Files.writeString(catalogJson, JSON.toJsonString(catalogVersions(), Map.class));
      Path childDir = Files.createDirectories(work.resolve("run"));
      PluginCheckProcess.Outcome outcome = process.run(jar, catalogJson, childDir, callLimit);
      answer(ctx, name, upload, outcome);
    } finally {
      if (work != null) {
        deleteQuietly(work);
      }
      oneAtATime.release();
    }
  }

  private static ApiException tooLarge() {
    return new ApiException(413, "too_large", "A plugin jar to check may be at most " + (MAX_JAR_BYTES >> 20)
        + " MiB (" + MAX_JAR_BYTES + " bytes)", Map.of("maxBytes", MAX_JAR_BYTES));
  }

  private static String displayName(String given) {
    if (given == null || given.isBlank()) {
      return "plugin.jar";
    }
    String base = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
    if (!FILE_NAME.matcher(base).matches()) {
      throw ApiException.badRequest("?name= must be a file name of letters, digits, '.', '_' and '-' (at most 128)");
    }
    return base;
  }

  private record Upload(long size, String sha256) {}

  /** Copies the body to {@code jar}, at most {@link #MAX_JAR_BYTES}, hashing it; refuses what is not a zip. */
  private static Upload receive(InputStream body, Path jar) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long size = 0;
    byte[] head = new byte[4];
    int headBytes = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(jar)) {
      int n;
      while ((n = body.read(buffer)) >= 0) {
        size += n;
        if (size > MAX_JAR_BYTES) {
          throw tooLarge();
        }
        for (int i = 0; i < n && headBytes < head.length; i++) {
          head[headBytes++] = buffer[i];
        }
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    // A jar is a zip whose first entry starts with a local file header: "PK\3\4".
    if (headBytes < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
      throw new ApiException(400, "not_a_jar", size == 0
          ? "The body is empty: send the plugin jar's bytes (curl --data-binary @plugin.jar)"
          : "The body is not a jar: a jar is a zip file and starts with the bytes 'PK\\3\\4'; send the plugin"
              + " jar's bytes (curl --data-binary @plugin.jar)");
    }
    return new Upload(size, HexFormat.of().formatHex(sha.digest()));
  }

  /** processor id → [{version, descriptor}] for every version the catalog has seen: the child's only view of it. */
  private Map<String, List<Map<String, Object>>> catalogVersions() {
    Map<String, List<Map<String, Object>>> out = new TreeMap<>();
    for (CatalogProcessor p : catalog.processors().list()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("version", p.version());
      v.put("descriptor", p.descriptor());
      out.computeIfAbsent(p.id(), k -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private void answer(Context ctx, String name, Upload upload, PluginCheckProcess.Outcome result) {
    PluginCheckProcess.Outcome outcome = result;
    String actor = Api.principal(ctx).name();
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("file", name);
    audit.put("sha256", upload.sha256());
    audit.put("bytes", upload.size());
    if (outcome instanceof PluginCheckProcess.Answered answered) {
      Map<String, Object> report;
      try {
        report = withNodeChecks(answered.report(), upload.sha256());
        verdict(report);
      } catch (RuntimeException e) {
        // The jar's code shares the child's standard output: what it wrote there is its doing, not a bug here.
        outcome = new PluginCheckProcess.Failed("the check process answered something that is not a report");
        report = null;
      }
      if (report != null) {
        report.put("file", name);
        report.put("sha256", upload.sha256());
        report.put("bytes", upload.size());
        audit.put("plugin", report.get("pluginId") + "@" + report.get("pluginVersion"));
        audit.put("verdict", report.get("verdict"));
        audit(actor, report.get("pluginId") == null ? "upload:" + name : "plugin:" + report.get("pluginId"), audit);
        ctx.json(report);
        return;
      }
    }
    String code;
    String message;
    if (outcome instanceof PluginCheckProcess.TimedOut t) {
      code = "check_timed_out";
      message = "The check of " + name + " did not finish within " + t.limit().toSeconds() + " s and was stopped:"
          + " the jar's code did not return in time (a loop, or a call that never returns)";
    } else if (outcome instanceof PluginCheckProcess.OutOfMemory m) {
      code = "check_out_of_memory";
      message = "The check of " + name + " ran out of memory and was stopped: the jar's code used more than the "
          + m.maxHeapMiB() + " MiB heap a check may use";
    } else {
      code = "check_failed";
      message = "The check of " + name + " did not answer: " + ((PluginCheckProcess.Failed) outcome).reason();
    }
    audit.put("verdict", code);
    audit(actor, "upload:" + name, audit);
    throw new ApiException(422, code, message, Map.of("sha256", upload.sha256()));
  }

  private void audit(String actor, String target, Map<String, Object> after) {
    try {
      catalog.audit().append(actor, "plugin.checked", target, null,
          JSON.toJsonString(after, Map.class), null);
    } catch (RuntimeException e) {
      LOG.error("Recording a plugin check of {} in the audit trail failed: {}", target, e.getMessage());
      throw e;
    }
  }

  /**
   * Adds what only this node knows: a processor id and version that another file (or a built-in
   * module) already offers here, which makes the node refuse whichever of the two it finds second.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> withNodeChecks(Map<String, Object> report, String sha256) {
    Map<String, Object> out = new LinkedHashMap<>(report);
    List<Map<String, Object>> processors = new ArrayList<>();
    for (Object o : (List<Object>) report.getOrDefault("processors", List.of())) {
      Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) o);
      List<String> refused = new ArrayList<>((List<String>) p.getOrDefault("refused", List.of()));
      String coordinates = p.get("id") + "@" + p.get("version");
      for (ProcessorEntry e : registry.entries(String.valueOf(p.get("id")))) {
        if (!e.coordinates().equals(coordinates)) {
          continue;
        }
        if (e.source() == ProcessorEntry.Source.MODULE) {
          refused.add("processor " + coordinates + " is built into this server (" + e.origin() + "):"
              + " a jar may not offer it again");
        } else {
          refused.add("processor " + coordinates + " is already offered on this node by " + e.origin()
              + (sha256.equals(e.sha256()) ? ", this very jar" : "")
              + ": a processor id and version must come from one file; the node refuses the second one it finds"
              + " (by file name)");
        }
      }
      p.put("refused", refused);
      processors.add(p);
    }
    out.put("processors", processors);
    return out;
  }

  /** Sets each processor's verdict, the jar's, and a one-line summary. */
  @SuppressWarnings("unchecked")
  private static void verdict(Map<String, Object> report) {
    List<Map<String, Object>> processors = (List<Map<String, Object>>) report.get("processors");
    boolean refused = !((List<Object>) report.getOrDefault("refused", List.of())).isEmpty();
    List<String> breaks = new ArrayList<>();
    List<String> failing = new ArrayList<>();
    for (Map<String, Object> p : processors) {
      String coordinates = p.get("id") + "@" + p.get("version");
      boolean pRefused = !((List<Object>) p.get("refused")).isEmpty();
      Map<String, Object> contract = (Map<String, Object>) p.get("contract");
      boolean pBreaks = contract != null && Boolean.TRUE.equals(contract.get("semverViolation"));
      boolean pFails = ((List<Map<String, Object>>) p.get("examples")).stream()
          .anyMatch(e -> !Boolean.TRUE.equals(e.get("passed")));
      refused |= pRefused;
      if (pBreaks) {
        breaks.add(coordinates + " (a " + contract.get("actualBump") + " bump over " + contract.get("from")
            + ", but its changes need a " + contract.get("requiredBump") + " one)");
      }
      if (pFails) {
        failing.add(coordinates);
      }
      p.put("verdict", pRefused ? "refused" : pBreaks ? "breaks-semver" : pFails ? "examples-fail" : "ok");
    }
    String verdict;
    String summary;
    if (refused) {
      verdict = "refused";
      summary = "This node would refuse this jar: " + String.join("; ", reasons(report, processors));
    } else if (!breaks.isEmpty()) {
      verdict = "breaks-semver";
      summary = "It would load, but breaks semantic versioning: " + String.join("; ", breaks);
    } else if (!failing.isEmpty()) {
      verdict = "examples-fail";
      summary = "It would load, but worked examples fail for " + String.join(", ", failing);
    } else {
      verdict = "ok";
      summary = "It would load; every worked example passes and every version bump matches its contract changes";
    }
    report.put("verdict", verdict);
    report.put("summary", summary);
  }

  @SuppressWarnings("unchecked")
  private static List<String> reasons(Map<String, Object> report, List<Map<String, Object>> processors) {
    List<String> reasons = new ArrayList<>((List<String>) report.getOrDefault("refused", List.of()));
    for (Map<String, Object> p : processors) {
      reasons.addAll((List<String>) p.get("refused"));
    }
    return reasons;
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.warn("Could not delete {} after a plugin check: {}", p, e.getMessage());
        }
      });
    } catch (IOException e) {
      LOG.warn("Could not delete {} after a plugin check: {}", dir, e.getMessage());
    }
  }
}
