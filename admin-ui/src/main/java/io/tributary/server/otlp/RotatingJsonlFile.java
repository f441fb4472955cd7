package io.tributary.server.otlp;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Appends lines to {@code <dir>/<name>.jsonl}; once it passes {@code maxBytes} it is renamed to
 * {@code <name>-<UTC timestamp>.jsonl} and a new file begun. Rotated files are never deleted.
 *
 * <p>Thread-safe: writes are serialized.
 */
final class RotatingJsonlFile implements AutoCloseable {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final Path dir;
  private final String name;
  private final long maxBytes;
  private final Clock clock;
  private BufferedWriter out;
  private long size;

  RotatingJsonlFile(Path dir, String name, long maxBytes, Clock clock) {
    this.dir = dir;
    this.name = name;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  Path current() {
    return dir.resolve(name + ".jsonl");
  }

  /** Appends each line (no newline inside) and flushes. */
  synchronized void write(List<String> lines) {
    try {
      if (out == null) {
        Files.createDirectories(dir);
        size = Files.exists(current()) ? Files.size(current()) : 0;
        out = Files.newBufferedWriter(current(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      for (String line : lines) {
        if (size > 0 && size >= maxBytes) {
          rotate();
        }
        out.write(line);
        out.write('\n');
        size += line.length() + 1L;
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + current(), e);
    }
  }

  private void rotate() throws IOException {
    out.close();
    Path target = dir.resolve(name + "-" + STAMP.format(clock.instant()) + ".jsonl");
    for (int n = 1; Files.exists(target); n++) {
      target = dir.resolve(name + "-" + STAMP.format(clock.instant()) + "-" + n + ".jsonl");
    }
    Files.move(current(), target, StandardCopyOption.ATOMIC_MOVE);
    out = Files.newBufferedWriter(current(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    size = 0;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }
}
