package io.tributary.benchmarks.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's GC pauses, from the log {@code -Xlog:gc:file=…} writes: the longest pause since a
 * mark. Reads G1's and Parallel's {@code Pause … 3.456ms} lines and ZGC's {@code Pause … 0.012ms}.
 */
final class GcLog {

  private static final Pattern PAUSE = Pattern.compile("Pause.* (\\d+(?:\\.\\d+)?)ms\\s*$");

  private final Path file;

  GcLog(Path file) {
    this.file = file;
  }

  /** The JVM option that writes this log. */
  String option() {
    return "-Xlog:gc:file=" + file;
  }

  /** Where the log ends now: pauses after this are the next phase's. */
  long mark() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The longest pause logged after {@code mark}, in ms (0 for none), and how many there were. */
  Pauses since(long mark) {
    try {
      byte[] all = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
      String text = new String(all, (int) Math.min(mark, all.length), (int) Math.max(0, all.length - mark),
          StandardCharsets.UTF_8);
      return parse(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Pauses parse(String log) {
    double max = 0;
    double total = 0;
    int count = 0;
    for (String line : log.split("\\n")) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        double ms = Double.parseDouble(m.group(1));
        max = Math.max(max, ms);
        total += ms;
        count++;
      }
    }
    return new Pauses(count, max, total);
  }

  record Pauses(int count, double maxMs, double totalMs) {}
}
