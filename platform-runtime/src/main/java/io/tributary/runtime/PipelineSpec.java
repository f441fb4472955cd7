package io.tributary.runtime;

import java.util.List;
import java.util.Objects;

/**
 * What an environment should run: ordered stages, as stored in the catalog. Compiled by {@link
 * PipelineCompiler} into a {@link CompiledPipeline}.
 *
 * @param stages in execution order
 */
public record PipelineSpec(List<StageSpec> stages) {

  public PipelineSpec {
    stages = List.copyOf(Objects.requireNonNull(stages, "stages"));
  }

  public static PipelineSpec of(StageSpec... stages) {
    return new PipelineSpec(List.of(stages));
  }

  /** The pipeline with no stages: items pass through unchanged. */
  public static PipelineSpec empty() {
    return new PipelineSpec(List.of());
  }
}
