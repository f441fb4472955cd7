package io.tributary.runtime;

import io.tributary.api.Item;

/**
 * What one stage did to one item in a {@linkplain CompiledPipeline#simulate simulation}.
 *
 * @param before the item as the stage received it (a copy)
 * @param after the item as the stage left it (a copy)
 * @param outcome what lineage would record; null if the stage did not see the item (dead-lettered earlier)
 * @param failure the failure message if the stage threw, else null
 */
public record StageTrace(
    String stage, String coordinates, StageOutcome outcome, long nanos, Item before, Item after, String failure) {}
