package io.tributary.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One stage of a {@link PipelineSpec}, as stored in the catalog and edited in the UI.
 *
 * @param name unique within the pipeline; null means the processor id
 * @param processorId the processor to run
 * @param version an exact version, or null (or {@code latest}) for the newest release available
 * @param enabled a disabled stage is checked but not run
 * @param config raw configuration (as parsed from JSON); checked against the processor's schema
 * @param failurePolicy what to do with an item the stage fails on
 */
public record StageSpec(
    String name,
    String processorId,
    String version,
    boolean enabled,
    Map<String, Object> config,
    FailurePolicy failurePolicy) {

  public StageSpec {
    Objects.requireNonNull(processorId, "processorId");
    config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
    failurePolicy = failurePolicy == null ? FailurePolicy.SKIP : failurePolicy;
    if (name == null || name.isBlank()) {
      name = processorId;
    }
    if ("latest".equals(version) || (version != null && version.isBlank())) {
      version = null;
    }
  }

  /** An enabled stage running the newest version of {@code processorId} with default config. */
  public static StageSpec of(String processorId) {
    return new StageSpec(null, processorId, null, true, Map.of(), FailurePolicy.SKIP);
  }

  /** An enabled stage with the given config. */
  public static StageSpec of(String processorId, Map<String, ?> config) {
    return new StageSpec(null, processorId, null, true, new LinkedHashMap<>(config), FailurePolicy.SKIP);
  }

  public StageSpec withName(String newName) {
    return new StageSpec(newName, processorId, version, enabled, config, failurePolicy);
  }

  public StageSpec withVersion(String newVersion) {
    return new StageSpec(name, processorId, newVersion, enabled, config, failurePolicy);
  }

  public StageSpec withEnabled(boolean newEnabled) {
    return new StageSpec(name, processorId, version, newEnabled, config, failurePolicy);
  }

  public StageSpec withConfig(Map<String, ?> newConfig) {
    return new StageSpec(name, processorId, version, enabled, new LinkedHashMap<>(newConfig), failurePolicy);
  }

  public StageSpec withFailurePolicy(FailurePolicy policy) {
    return new StageSpec(name, processorId, version, enabled, config, policy);
  }
}
