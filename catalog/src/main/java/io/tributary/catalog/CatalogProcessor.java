package io.tributary.catalog;

import java.time.Instant;
import java.util.Map;

/**
 * A processor version the catalog has ever seen.
 *
 * @param descriptor the descriptor in the shape of {@link DescriptorJson#toMap}
 * @param source {@code plugin} or {@code module}
 * @param available offered by some plugin or module now
 */
public record CatalogProcessor(
    String id,
    String version,
    Map<String, Object> descriptor,
    String pluginId,
    String pluginVersion,
    String sha256,
    String source,
    Instant firstSeen,
    Instant lastSeen,
    boolean available) {}
