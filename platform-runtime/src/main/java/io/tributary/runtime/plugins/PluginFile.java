package io.tributary.runtime.plugins;

import java.time.Instant;
import java.util.List;

/**
 * A file in the plugins folder and what became of it.
 *
 * @param file the file name in the plugins folder
 * @param sha256 its content hash (hex), or null if it could not be read
 * @param state loaded, or failed with {@code error}
 * @param pluginId {@code Plugin-Id}, if the manifest could be read
 * @param pluginVersion {@code Plugin-Version}, if the manifest could be read
 * @param processors {@code id@version} of each processor it offers (empty when failed)
 * @param error why it failed, naming the cause; null when loaded
 * @param at when this state was reached
 */
public record PluginFile(
    String file,
    String sha256,
    State state,
    String pluginId,
    String pluginVersion,
    List<String> processors,
    String error,
    Instant at) {

  /** What became of a plugin file. */
  public enum State {
    LOADED,
    FAILED
  }

  public PluginFile {
    processors = List.copyOf(processors);
  }
}
