package io.tributary.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.server.cli.PluginCheckChild;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs one plugin check ({@link PluginCheckChild}) in a child JVM, so an uploaded jar's code never
 * runs inside the server: the same java binary and the same class or module path as the server,
 * a heap of {@link Limits#maxHeapMiB()} (the child exits at its first {@link OutOfMemoryError}),
 * a wall-clock limit after which it and any process it started are killed, the given working
 * directory, <b>no environment variables at all</b> (the server's {@code TRIBUTARY_DB_PASSWORD},
 * tokens and the like stay behind), no system properties of the server, no data directory and no
 * database URL. At most {@link Limits#maxOutputBytes()} of its standard output are read.
 *
 * <p>What this does not do: the child runs as the same operating-system user as the server, so
 * code that knows where to look can still read what that user may read (files under the data
 * directory, {@code /proc/<server pid>/environ}). That is why checking a jar needs the admin role.
 */
public final class PluginCheckProcess {

  /**
   * @param wallClock how long a check may take, JVM start included
   * @param maxHeapMiB the child's {@code -Xmx}
   * @param maxOutputBytes the most of its standard output read
   */
  public record Limits(Duration wallClock, int maxHeapMiB, int maxOutputBytes) {
    public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(30), 256, 1 << 20);

    public Limits {
      Objects.requireNonNull(wallClock, "wallClock");
      if (wallClock.isNegative() || wallClock.isZero() || maxHeapMiB < 32 || maxOutputBytes < 1024) {
        throw new IllegalArgumentException("plugin check limits too small: " + wallClock + ", "
            + maxHeapMiB + " MiB, " + maxOutputBytes + " bytes");
      }
    }
  }

  /** What became of a check. */
  public sealed interface Outcome {}

  /** The child answered: its report, as JSON. */
  public record Answered(Map<String, Object> report) implements Outcome {}

  /** The child did not finish within the wall-clock limit and was killed. */
  public record TimedOut(Duration limit) implements Outcome {}

  /** The child ran out of its heap. */
  public record OutOfMemory(int maxHeapMiB) implements Outcome {}

  /** The child ended without a report (or with more output than may be read). */
  public record Failed(String reason) implements Outcome {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_BYTES = 16 * 1024;

  private final Limits limits;

  public PluginCheckProcess(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public Limits limits() {
    return limits;
  }

  /**
   * The command that starts the child: this JVM's java binary, with this JVM's module path (as
   * {@code bin/tributary} starts the server) or else its class path.
   */
  List<String> command(Path jar, Path catalogJson, Path work, Duration callLimit) {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java,
        "-Xmx" + limits.maxHeapMiB() + "m",
        "-XX:MaxMetaspaceSize=128m",
        "-XX:+ExitOnOutOfMemoryError",
        // The JVM's own messages (such as running out of heap) on standard error, never in the report.
        "-XX:+DisplayVMOutputToStderr",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData",
        "-Djava.io.tmpdir=" + work,
        "-Duser.home=" + work,
        "-Dfile.encoding=UTF-8"));
    String modulePath = System.getProperty("jdk.module.path");
    Module module = PluginCheckChild.class.getModule();
    if (module.isNamed() && modulePath != null && !modulePath.isBlank()) {
      command.addAll(List.of("--module-path", modulePath, "--add-modules", "ALL-MODULE-PATH",
          "-m", module.getName() + "/" + PluginCheckChild.class.getName()));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), PluginCheckChild.class.getName()));
    }
    command.addAll(List.of(jar.toString(), catalogJson.toString(), Long.toString(callLimit.toMillis())));
    return command;
  }

  /**
   * Checks {@code jar} in a child JVM working in {@code work} (an empty directory the caller
   * deletes), the catalog's versions in {@code catalogJson}, each call into the jar's code limited
   * to {@code callLimit} as on the server.
   */
  public Outcome run(Path jar, Path catalogJson, Path work, Duration callLimit) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command(jar, catalogJson, work, callLimit)).directory(work.toFile());
    builder.environment().clear();
    Process process = builder.start();
    process.getOutputStream().close();
    Drain out = new Drain(process.getInputStream(), limits.maxOutputBytes());
    Drain err = new Drain(process.getErrorStream(), MAX_ERROR_BYTES);
    out.start();
    err.start();
    boolean finished;
    try {
      finished = process.waitFor(limits.wallClock().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      kill(process);
      return new TimedOut(limits.wallClock());
    }
    out.await();
    err.await();
    String stderr = err.text();
    if (process.exitValue() != 0) {
      if (stderr.contains("OutOfMemoryError")) {
        return new OutOfMemory(limits.maxHeapMiB());
      }
      return new Failed("the check process ended with status " + process.exitValue() + " before answering"
          + lastLine(stderr));
    }
    if (out.overflowed()) {
      return new Failed("the check process wrote more than " + limits.maxOutputBytes() + " bytes");
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> report = JSON.readValue(out.bytes(), Map.class);
      return new Answered(report);
    } catch (IOException e) {
      return new Failed("the check process answered something that is not a report" + lastLine(stderr));
    }
  }

  private static String lastLine(String stderr) {
    List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : ": " + ApiErrors.oneLine(lines.get(lines.size() - 1));
  }

  /** Kills the child and whatever it started, and waits a little for it to be gone. */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(process.getInputStream());
    closeQuietly(process.getErrorStream());
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** Reads a stream to its end on a thread of its own, keeping at most {@code max} bytes. */
  private static final class Drain extends Thread {
    private final InputStream in;
    private final int max;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean overflowed;

    Drain(InputStream in, int max) {
      super("plugin-check-output");
      setDaemon(true);
      this.in = in;
      this.max = max;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          int room = max - kept.size();
          if (n > room) {
            overflowed = true;
          }
          if (room > 0) {
            kept.write(buffer, 0, Math.min(n, room));
          }
        }
      } catch (IOException ignored) {
        // the child is gone
      }
    }

    /** Waits briefly for the end of the stream: a process the child left behind may hold it open. */
    void await() {
      try {
        join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(in);
    }

    boolean overflowed() {
      return overflowed;
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }

    String text() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }
  }
}
