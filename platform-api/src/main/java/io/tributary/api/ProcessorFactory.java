package io.tributary.api;

/**
 * The service-provider interface of a processor plugin, found through {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/io.tributary.api.ProcessorFactory} of a
 * plugin jar, or {@code provides io.tributary.api.ProcessorFactory with …} in a module.
 *
 * <p>Implementations need a public no-argument constructor, must be cheap to construct (the host
 * instantiates them while scanning plugins) and thread-safe.
 */
public interface ProcessorFactory {

  /**
   * The version of this SPI. A plugin declares the range it works with in its manifest ({@code
   * Plugin-Requires: >=1.0.0 & <2.0.0}); the host refuses a plugin whose range excludes it.
   * Minor versions add to the SPI without breaking plugins; a major version may break them.
   */
  String API_VERSION = "1.0.0";

  /**
   * Returns the processor's passport: id, version, documentation, the keys it reads and writes,
   * its configuration schema and examples. Must return the same, valid descriptor every time; the
   * host validates it once when the plugin is discovered.
   */
  ProcessorDescriptor descriptor();

  /**
   * Creates a processor for one pipeline stage. The configuration in {@code context} has already
   * been checked against {@link ProcessorDescriptor#config()}: every key is declared, typed, and
   * defaults are filled in. This method may do slow setup work (it runs when a pipeline is
   * compiled, never on the hot path).
   *
   * @throws IllegalArgumentException if the configuration is valid by the schema but unusable
   *     (say, a pattern that does not compile); the message names the key
   */
  Processor create(ProcessorContext context);
}
