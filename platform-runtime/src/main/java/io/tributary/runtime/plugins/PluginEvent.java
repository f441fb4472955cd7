package io.tributary.runtime.plugins;

/**
 * Something that happened in the plugins folder, for the catalog and the audit trail.
 *
 * @param type what happened
 * @param file the plugin file
 * @param detail for {@link Type#FAILED} the error; else the processors concerned
 */
public record PluginEvent(Type type, PluginFile file, String detail) {

  /** What happened. */
  public enum Type {
    /** A file was loaded; its processors are offered. */
    LOADED,
    /** A file could not be loaded; {@code detail} says why. */
    FAILED,
    /** A file left the folder (or was replaced); its processors are no longer offered. */
    REMOVED
  }
}
