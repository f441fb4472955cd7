package io.tributary.api;

import java.util.Optional;

/**
 * What a {@link ProcessorFactory} is given to create a processor: the stage's checked
 * configuration, the environment and stage it runs in, the host's services, and the files the
 * operator allows configuration to name. The host implements it; the plugin test kit offers one
 * for tests. Implementations are thread-safe.
 */
public interface ProcessorContext {

  /** The environment the pipeline runs in ({@code dev}, {@code staging}, {@code prod}, …). */
  String environment();

  /** The name of the stage, unique within its pipeline. */
  String stageName();

  /** The stage's configuration, checked against the descriptor, defaults filled in. */
  ProcessorConfig config();

  /**
   * Returns the host's service of the given type, if it has one. Declare services a processor
   * cannot work without with {@link ProcessorDescriptor.Builder#requiresService(Class)}: the
   * pipeline then fails to compile, with a clear message, where the host lacks them.
   */
  <T> Optional<T> service(Class<T> type);

  /**
   * Reads a file named in the configuration (a lookup table, a rule file). A processor never
   * opens a configured path itself: the host resolves {@code name} inside the one directory the
   * operator allows (relative to it; an absolute path only if it lies inside), refuses anything
   * else (outside after following links, not a regular file, larger than its limit) and reads
   * with a time limit.
   *
   * @throws IllegalArgumentException naming the file as configured and why it is refused or
   *     unreadable, never anything read from it, so the message may be shown to whoever wrote the
   *     configuration; also when the host allows no files at all
   */
  byte[] readFile(String name);

  /**
   * The change stamp of the file {@code name} names, without reading it: equal stamps mean
   * unchanged (modification time and size). Take the stamp before {@link #readFile(String)} so a
   * change between the two is seen at the next look. Same checks and exceptions as {@code
   * readFile}.
   */
  String fileStamp(String name);
}
