package io.tributary.runtime;

import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's {@link ProcessorContext}: a stage's configuration, its services, and files read
 * through the node's {@link ConfigFiles} (or none, when the node allows no files).
 */
public final class StageContext implements ProcessorContext {

  private final String environment;
  private final String stageName;
  private final ProcessorConfig config;
  private final Map<Class<?>, Object> services;
  private final ConfigFiles files;

  /**
   * @param services each service type mapped to its instance
   * @param files where configured files are read, or null to refuse every file
   */
  public StageContext(String environment, String stageName, ProcessorConfig config,
      Map<Class<?>, Object> services, ConfigFiles files) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.stageName = Objects.requireNonNull(stageName, "stageName");
    this.config = Objects.requireNonNull(config, "config");
    this.services = Map.copyOf(services);
    this.services.forEach((type, service) -> {
      if (!type.isInstance(service)) {
        throw new IllegalArgumentException(
            "service registered as " + type.getName() + " is a " + service.getClass().getName());
      }
    });
    this.files = files;
  }

  @Override
  public String environment() {
    return environment;
  }

  @Override
  public String stageName() {
    return stageName;
  }

  @Override
  public ProcessorConfig config() {
    return config;
  }

  @Override
  public <T> Optional<T> service(Class<T> type) {
    return Optional.ofNullable(type.cast(services.get(type)));
  }

  @Override
  public byte[] readFile(String name) {
    return files().read(name).bytes();
  }

  @Override
  public String fileStamp(String name) {
    return files().stamp(name);
  }

  private ConfigFiles files() {
    if (files == null) {
      throw new ConfigFiles.ConfigFileException(
          "config files: this node reads no files named in configuration");
    }
    return files;
  }
}
