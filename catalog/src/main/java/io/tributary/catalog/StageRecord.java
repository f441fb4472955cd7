package io.tributary.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One stage of a stored pipeline, as the API shows it.
 *
 * @param name unique within the pipeline; defaults to the processor id
 * @param processor the processor id
 * @param version an exact version, or null for the newest available
 * @param enabled a disabled stage is kept but not run
 * @param config raw config; in a {@linkplain Pipelines masked} view secret values read {@code {"set": true}}
 * @param onFailure {@code skip}, {@code default} or {@code dead-letter}
 */
public record StageRecord(
    String name, String processor, String version, boolean enabled, Map<String, Object> config, String onFailure) {

  public StageRecord {
    Objects.requireNonNull(processor, "processor");
    if (name == null || name.isBlank()) {
      name = processor;
    }
    config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
    onFailure = onFailure == null || onFailure.isBlank() ? "skip" : onFailure;
  }

  public StageRecord withConfig(Map<String, Object> newConfig) {
    return new StageRecord(name, processor, version, enabled, newConfig, onFailure);
  }
}
