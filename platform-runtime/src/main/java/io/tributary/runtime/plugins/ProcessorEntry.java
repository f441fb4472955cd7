package io.tributary.runtime.plugins;

import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.Objects;

/**
 * A processor the registry offers, and where it came from.
 *
 * @param descriptor the factory's descriptor, read once when discovered
 * @param factory the factory
 * @param source a plugin jar or the module path
 * @param pluginId the plugin's id ({@code Plugin-Id}), or null for a module
 * @param pluginVersion the plugin's version ({@code Plugin-Version}), or null for a module
 * @param file the plugin file name, or the module name for a module
 * @param sha256 the jar's SHA-256 (hex), or null for a module
 */
public record ProcessorEntry(
    ProcessorDescriptor descriptor,
    ProcessorFactory factory,
    Source source,
    String pluginId,
    String pluginVersion,
    String file,
    String sha256) {

  /** Where a processor came from. */
  public enum Source {
    PLUGIN,
    MODULE
  }

  public ProcessorEntry {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(source, "source");
  }

  /** {@code id@version}. */
  public String coordinates() {
    return descriptor.coordinates();
  }

  /** Where it came from, for messages: {@code plugin pii-redaction@1.0.0 (pii.jar)} or {@code module x}. */
  public String origin() {
    return source == Source.PLUGIN
        ? "plugin " + pluginId + "@" + pluginVersion + " (" + file + ")"
        : "module " + file;
  }
}
