package io.tributary.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The host's {@link ConfigFiles}: names resolve inside one directory (the operator's lookup dir).
 *
 * <p>A name is refused, with a message that names it and the reason but nothing read from any
 * file, when it is blank or not a path, when it resolves outside the directory (by {@code ..}, by
 * an absolute path elsewhere, or by a symbolic link anywhere on the way pointing out), when it is
 * not a regular file (a directory, device, FIFO or socket), or when the file is larger than the
 * limit. Reads run on a small pool of daemon threads, never the caller's, and are abandoned after
 * the time limit: a file swapped for a FIFO between the check and the open can pin one reader
 * thread, never the caller, and never more than the pool's size.
 *
 * <p>Thread-safe.
 */
public final class DirectoryConfigFiles implements ConfigFiles, AutoCloseable {

  /** The default size limit of one file: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
  /** The default time limit of one read. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  private static final int READER_THREADS = 2;

  private final Path root;
  private final long maxBytes;
  private final Duration timeout;
  private final ThreadPoolExecutor readers;

  /**
   * @param root the allowed directory (created if missing is the caller's business; a missing
   *     directory refuses every name)
   * @param maxBytes the largest file read, in bytes
   * @param timeout how long one read may take
   */
  public DirectoryConfigFiles(Path root, long maxBytes, Duration timeout) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.readers = new ThreadPoolExecutor(READER_THREADS, READER_THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(16), r -> {
          Thread t = new Thread(r, "tributary-config-file-reader");
          t.setDaemon(true);
          return t;
        });
  }

  /** The allowed directory. */
  public Path root() {
    return root;
  }

  /** The size limit of one file, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public Content read(String name) {
    Path file = resolve(name);
    Future<Content> read;
    try {
      read = readers.submit(() -> readChecked(name, file));
    } catch (RejectedExecutionException e) {
      throw refused(name, "the server is busy reading other configured files; try again");
    }
    try {
      return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      read.cancel(true);
      throw refused(name, "reading it took longer than " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      read.cancel(true);
      Thread.currentThread().interrupt();
      throw refused(name, "the read was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigFileException) {
        throw (ConfigFileException) e.getCause();
      }
      throw refused(name, "cannot read it (" + e.getCause().getClass().getSimpleName() + ")");
    }
  }

  @Override
  public String stamp(String name) {
    Path file = resolve(name);
    return stamp(attributes(name, file));
  }

  private Content readChecked(String name, Path file) throws IOException {
    BasicFileAttributes before = attributes(name, file);
    // NOFOLLOW_LINKS: the checked path is the real one; a link put in its place since is refused.
    try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
            LinkOption.NOFOLLOW_LINKS);
        InputStream in = Channels.newInputStream(channel)) {
      // Read one byte past the limit: a file that grew since the check is refused, not truncated.
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw tooLarge(name);
      }
      return new Content(bytes, stamp(before));
    } catch (IOException e) {
      throw refused(name, "cannot read it (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The real path of {@code name}, checked to be a regular file inside the root. */
  private Path resolve(String name) {
    if (name == null || name.isBlank()) {
      throw new ConfigFileException("config file: no file name given");
    }
    if (name.indexOf('\0') >= 0) {
      throw refused(name, "the name holds a NUL character");
    }
    Path given;
    try {
      given = Path.of(name);
    } catch (InvalidPathException e) {
      throw refused(name, "it is not a path (" + e.getReason() + ")");
    }
    Path resolved = root.resolve(given).normalize();
    if (!resolved.startsWith(root) || resolved.equals(root)) {
      throw refused(name, "it is outside the lookup dir " + root
          + " (names are relative to it; '..' and absolute paths elsewhere are refused)");
    }
    Path realRoot;
    Path real;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      throw refused(name, "the lookup dir " + root + " does not exist");
    }
    try {
      real = resolved.toRealPath();
    } catch (NoSuchFileException e) {
      throw refused(name, "no such file in the lookup dir " + root);
    } catch (IOException e) {
      throw refused(name, "cannot resolve it (" + e.getClass().getSimpleName() + ")");
    }
    if (!real.startsWith(realRoot)) {
      throw refused(name, "it is a symbolic link (or lies under one) that points outside the lookup dir "
          + root);
    }
    BasicFileAttributes a = attributes(name, real);
    if (!a.isRegularFile()) {
      throw refused(name, a.isDirectory() ? "it is a directory, not a file"
          : "it is not a regular file (a device, FIFO or socket)");
    }
    if (a.size() > maxBytes) {
      throw tooLarge(name);
    }
    return real;
  }

  private BasicFileAttributes attributes(String name, Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw refused(name, "no such file in the lookup dir " + root);
    } catch (IOException e) {
      throw refused(name, "cannot read its attributes (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String stamp(BasicFileAttributes a) {
    return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
  }

  private ConfigFileException tooLarge(String name) {
    return refused(name, "it is larger than the limit of " + maxBytes + " bytes");
  }

  private static ConfigFileException refused(String name, String reason) {
    return new ConfigFileException("config file '" + printable(name) + "': " + reason);
  }

  /** The name as given, control characters escaped, cut at 200 characters. */
  private static String printable(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length() && b.length() < 200; i++) {
      char c = name.charAt(i);
      b.append(c < ' ' || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.length() < name.length() ? b + "…" : b.toString();
  }

  /** Stops the reader threads (a read in progress is abandoned). */
  @Override
  public void close() {
    readers.shutdownNow();
  }
}
