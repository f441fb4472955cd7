package io.tributary.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ProcessorFactory} is given to create a processor: the stage's validated
 * configuration, the environment and stage it runs in, and services the host injects (an
 * identity provider, a lookup table, a clock). Immutable.
 */
public final class ProcessorContext {

  private final String environment;
  private final String stageName;
  private final ProcessorConfig config;
  private final Map<Class<?>, Object> services;

  private ProcessorContext(
      String environment, String stageName, ProcessorConfig config, Map<Class<?>, Object> services) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.stageName = Objects.requireNonNull(stageName, "stageName");
    this.config = Objects.requireNonNull(config, "config");
    this.services = Map.copyOf(services);
    this.services.forEach(
        (type, service) -> {
          if (!type.isInstance(service)) {
            throw new IllegalArgumentException(
                "service registered as " + type.getName() + " is a " + service.getClass().getName());
          }
        });
  }

  /** Creates a context; {@code services} maps each service type to its instance. */
  public static ProcessorContext of(
      String environment, String stageName, ProcessorConfig config, Map<Class<?>, Object> services) {
    return new ProcessorContext(environment, stageName, config, services);
  }

  /** Creates a context with no services, for tests and examples. */
  public static ProcessorContext of(ProcessorConfig config) {
    return new ProcessorContext("test", "test", config, Map.of());
  }

  /** The environment the pipeline runs in ({@code dev}, {@code staging}, {@code prod}, …). */
  public String environment() {
    return environment;
  }

  /** The name of the stage, unique within its pipeline. */
  public String stageName() {
    return stageName;
  }

  /** The stage's validated configuration, defaults filled in. */
  public ProcessorConfig config() {
    return config;
  }

  /**
   * Returns the host's service of the given type, if it has one. Declare services a processor
   * cannot work without in {@link ProcessorDescriptor#requiredServices()}: the pipeline then
   * fails to compile, with a clear message, where the host lacks them.
   */
  public <T> Optional<T> service(Class<T> type) {
    return Optional.ofNullable(type.cast(services.get(type)));
  }
}
