package io.tributary.runtime;

import java.util.Objects;

/**
 * The host's service for files named in a stage's configuration (a lookup table, a rule file).
 * A processor never opens a configured path itself: it asks its context ({@link
 * io.tributary.api.ProcessorContext#readFile(String)}), which asks this service; the service
 * resolves the name inside the one directory the operator allows, refuses anything else, and reads
 * with a size and time limit. Given to the {@link PipelineCompiler.Builder#configFiles compiler}.
 *
 * <p>Implementations are thread-safe. Their exceptions name the file as configured and what is
 * wrong with it, never anything read from it, so a message may be shown to whoever wrote the
 * configuration.
 */
public interface ConfigFiles {

  /**
   * Reads the file {@code name} names: a path relative to the allowed directory (an absolute path
   * is accepted only if it lies inside it). The file must be a regular file, inside the directory
   * after following symbolic links, and no larger than the host's limit.
   *
   * @throws ConfigFileException if the name is refused or the file cannot be read in time
   */
  Content read(String name);

  /**
   * The change stamp of the file {@code name} names, without reading it: equal stamps mean
   * unchanged (modification time and size). Same checks as {@link #read(String)}.
   *
   * @throws ConfigFileException if the name is refused or the file's attributes cannot be read
   */
  String stamp(String name);

  /** A file's bytes and the {@linkplain #stamp(String) stamp} they were read under. */
  final class Content {
    private final byte[] bytes;
    private final String stamp;

    public Content(byte[] bytes, String stamp) {
      this.bytes = Objects.requireNonNull(bytes, "bytes");
      this.stamp = Objects.requireNonNull(stamp, "stamp");
    }

    /** The file's bytes (the array is the caller's: not copied). */
    public byte[] bytes() {
      return bytes;
    }

    /** The stamp taken before the bytes were read. */
    public String stamp() {
      return stamp;
    }
  }

  /**
   * A configured file that is refused or cannot be read. The message names the file as
   * configured and the reason, never the file's content. An {@link IllegalArgumentException}, so
   * a factory that lets it pass reports it as an unusable configuration.
   */
  final class ConfigFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigFileException(String message) {
      super(message);
    }
  }
}
