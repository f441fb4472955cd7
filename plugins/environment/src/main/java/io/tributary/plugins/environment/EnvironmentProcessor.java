package io.tributary.plugins.environment;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;

/**
 * Puts precomputed key/value pairs on each item's resource and attributes. Immutable after
 * construction, so safe to call from many threads.
 */
final class EnvironmentProcessor implements Processor {

  private final String[] resourceKeys;
  private final String[] resourceValues;
  /** Position of service.name in {@link #resourceKeys}, or -1 if it is not configured. */
  private final int serviceNameIndex;
  private final String[] attributeKeys;
  private final String[] attributeValues;
  private final boolean overwrite;

  EnvironmentProcessor(
      String[] resourceKeys,
      String[] resourceValues,
      int serviceNameIndex,
      String[] attributeKeys,
      String[] attributeValues,
      boolean overwrite) {
    this.resourceKeys = resourceKeys;
    this.resourceValues = resourceValues;
    this.serviceNameIndex = serviceNameIndex;
    this.attributeKeys = attributeKeys;
    this.attributeValues = attributeValues;
    this.overwrite = overwrite;
  }

  @Override
  public void process(Item item) {
    stamp(item.resource(), resourceKeys, resourceValues, serviceNameIndex);
    stamp(item.attributes(), attributeKeys, attributeValues, -1);
  }

  private void stamp(Attributes target, String[] keys, String[] values, int serviceName) {
    for (int k = 0; k < keys.length; k++) {
      if (overwrite) {
        target.put(keys[k], values[k]);
        continue;
      }
      int at = target.indexOf(keys[k]);
      if (at < 0) {
        target.put(keys[k], values[k]);
      } else if (target.typeAt(at) == Attributes.Type.STRING) {
        String existing = target.stringAt(at);
        if (existing.isBlank()
            || (k == serviceName
                && existing.startsWith(EnvironmentProcessorFactory.SDK_DEFAULT_SERVICE_NAME))) {
          target.setStringAt(at, values[k]);
        }
      }
      // Any other value the telemetry carries (a non-empty string, a number, …) is kept.
    }
  }
}
