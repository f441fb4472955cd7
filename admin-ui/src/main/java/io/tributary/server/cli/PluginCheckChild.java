package io.tributary.server.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The child process of {@code POST /api/v1/plugins/check}: {@code PluginCheckChild JAR CATALOG.json
 * CALL-LIMIT-MILLIS}, started by the server ({@code io.tributary.server.http.PluginCheckProcess})
 * in an empty working directory, with no environment variables and a small heap.
 *
 * <p>It runs {@link PluginCheck} on the jar, with the catalog's versions read from {@code
 * CATALOG.json} ({@code {"id": [{"version": "1.0.0", "descriptor": {...}}, ...]}}), and writes the
 * report as one JSON document on standard output. It opens no database and is told no data
 * directory, token or secret. Whatever the jar's code prints goes to standard error, so it cannot
 * mix with the report by accident (a hostile jar can still forge one: the report says what the
 * jar did while it was checked, nothing more).
 *
 * <p>Exit status 0 once the report is written, 1 if the check itself failed (a message on
 * standard error). The process halts when done: threads the jar's code started do not keep it alive.
 */
public final class PluginCheckChild {

  private PluginCheckChild() {}

  public static void main(String[] args) {
    PrintStream answer = System.out;
    System.setOut(System.err);
    int status = 0;
    try {
      if (args.length != 3) {
        throw new IllegalArgumentException("usage: PluginCheckChild JAR CATALOG.json CALL-LIMIT-MILLIS");
      }
      Path jar = Path.of(args[0]);
      ObjectMapper json = new ObjectMapper();
      Map<String, List<Map<String, Object>>> catalog =
          json.readValue(Path.of(args[1]).toFile(), new TypeReference<>() {});
      Duration callLimit = Duration.ofMillis(Long.parseLong(args[2]));
      Path work = Files.createDirectories(Path.of("check").toAbsolutePath());
      @SuppressWarnings("unchecked")
      PluginCheck.Versions versions = id -> catalog.getOrDefault(id, List.of()).stream()
          .map(v -> Map.entry(String.valueOf(v.get("version")), (Map<String, Object>) v.get("descriptor")))
          .toList();
      PluginCheck.Report report = PluginCheck.run(jar, work, callLimit, versions);
      answer.write(json.writeValueAsBytes(PluginCheck.toJson(report)));
      answer.flush();
    } catch (Throwable e) {
      System.err.println("tributary plugin check failed: " + e);
      status = 1;
    }
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }
}
