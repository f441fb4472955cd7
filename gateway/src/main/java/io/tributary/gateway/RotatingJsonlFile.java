package io.tributary.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
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
 * <p>A call writes its lines whole or not at all: they are encoded first (text that is not valid
 * UTF-16, such as a lone surrogate a processor left behind, becomes U+FFFD, so no line can fail to
 * encode), then appended with one write; if that write fails part way (disk full, a permission
 * taken away), the file is cut back to where it ended before and closed, and the next call opens
 * it afresh. A failure therefore never leaves a partial line behind and never poisons later calls.
 *
 * <p>Thread-safe: writes are serialized.
 */
final class RotatingJsonlFile implements AutoCloseable {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

  private final Path dir;
  private final String name;
  private final long maxBytes;
  private final Clock clock;
  private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE)
      .replaceWith(REPLACEMENT);
  private FileChannel out;
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

  /**
   * Appends each line (no newline inside) and forces nothing: the lines are in the operating
   * system's hands when this returns.
   *
   * @throws UncheckedIOException if they could not be written; then none of them was
   */
  synchronized void write(List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    try {
      if (out == null) {
        Files.createDirectories(dir);
        out = FileChannel.open(current(), StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        size = out.size();
        out.position(size);
        endPartialLine();
      }
      if (size > 0 && size >= maxBytes) {
        rotate();
      }
      ByteBuffer bytes = encode(lines);
      long before = size;
      try {
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
      } catch (IOException e) {
        abandon(before);
        throw e;
      }
      size = before + bytes.limit();
    } catch (IOException e) {
      closeQuietly();
      throw new UncheckedIOException("writing " + current(), e);
    }
  }

  /**
   * A file left by a crash (or a failed write that could not be cut back) may end inside a line:
   * ends that line, so the lines written after it parse on their own.
   */
  private void endPartialLine() throws IOException {
    if (size == 0) {
      return;
    }
    ByteBuffer last = ByteBuffer.allocate(1);
    if (out.read(last, size - 1) == 1 && last.get(0) != '\n') {
      out.write(ByteBuffer.wrap(new byte[] {'\n'}));
      size++;
    }
  }

  private ByteBuffer encode(List<String> lines) throws CharacterCodingException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    encoder.reset();
    return encoder.encode(CharBuffer.wrap(text));
  }

  /** Cuts the file back to {@code length} after a failed write, so no partial line stays. */
  private void abandon(long length) {
    try {
      out.truncate(length);
    } catch (IOException | RuntimeException ignored) {
      // The file cannot even be cut back; it is closed below and opened afresh next time.
    }
  }

  private void rotate() throws IOException {
    out.close();
    out = null;
    Path target = dir.resolve(name + "-" + STAMP.format(clock.instant()) + ".jsonl");
    for (int n = 1; Files.exists(target); n++) {
      target = dir.resolve(name + "-" + STAMP.format(clock.instant()) + "-" + n + ".jsonl");
    }
    Files.move(current(), target, StandardCopyOption.ATOMIC_MOVE);
    out = FileChannel.open(current(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    size = 0;
  }

  private void closeQuietly() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // Being closed after a failure; the next write opens it again.
      }
      out = null;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }
}
