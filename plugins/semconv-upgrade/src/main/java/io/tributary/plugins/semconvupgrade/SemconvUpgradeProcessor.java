package io.tributary.plugins.semconvupgrade;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.plugins.semconvupgrade.SemconvTable.Rule;
import java.util.Map;

/**
 * Renames deprecated keys in one pass per attribute map and stamps the schema URL. The rule map is
 * immutable, so the processor is safe to share between threads; an item with no deprecated key
 * costs one hash lookup per attribute and allocates nothing.
 */
final class SemconvUpgradeProcessor implements Processor {

  private final Map<String, Rule> rules;
  private final boolean upgradeAttributes;
  private final boolean upgradeResource;
  private final boolean dropDeprecated;
  private final String schemaUrl;
  private final int[] targetVersion;

  SemconvUpgradeProcessor(
      Map<String, Rule> rules,
      boolean upgradeAttributes,
      boolean upgradeResource,
      boolean dropDeprecated,
      String targetVersion) {
    this.rules = rules;
    this.upgradeAttributes = upgradeAttributes;
    this.upgradeResource = upgradeResource;
    this.dropDeprecated = dropDeprecated;
    this.schemaUrl = SemconvTable.SCHEMA_URL_PREFIX + targetVersion;
    this.targetVersion = parseVersion(targetVersion, 0);
  }

  @Override
  public void process(Item item) {
    if (upgradeAttributes) {
      upgrade(item.attributes());
    }
    if (upgradeResource) {
      upgrade(item.resource());
    }
    // Metric names and metric-specific attribute renames are not applied, so a metric point
    // keeps the schema URL it came with: a schema-aware consumer can still translate it.
    if (item.kind() != Item.Kind.METRIC_POINT) {
      stampSchemaUrl(item);
    }
  }

  private void upgrade(Attributes attributes) {
    boolean serverSide = false;
    int i = 0;
    while (i < attributes.size()) {
      Rule rule = rules.get(attributes.keyAt(i));
      if (rule == null) {
        i++;
        continue;
      }
      serverSide |= rule.marksServerSide();
      String to = rule.to();
      if (rule.serverSideTo() != null
          && (serverSide
              || attributes.contains(SemconvTable.NET_HOST_NAME)
              || attributes.contains(SemconvTable.NET_HOST_PORT))) {
        // net.host.* was only ever set on the server side, where net.peer.* was the client.
        to = rule.serverSideTo();
      }
      if (!rename(attributes, i, rule, to)) {
        i++; // kept where it is; removing it would have moved the next key to i
      }
    }
  }

  /** Applies {@code rule} to the key at {@code i}; returns true if that key was removed. */
  private boolean rename(Attributes attributes, int i, Rule rule, String to) {
    if (rule.conversion() == SemconvTable.Conversion.URL_TARGET) {
      return splitTarget(attributes, i);
    }
    if (attributes.contains(to)) {
      return dropOld(attributes, i);
    }
    Attributes.Type type = attributes.typeAt(i);
    switch (rule.conversion()) {
      case NET_TRANSPORT:
        if (type == Attributes.Type.STRING) {
          attributes.put(to, transport(attributes.stringAt(i)));
        } else {
          copy(attributes, i, to);
        }
        break;
      case LONG_TO_STRING:
        if (type == Attributes.Type.LONG) {
          attributes.put(to, Long.toString(attributes.longAt(i)));
        } else {
          copy(attributes, i, to);
        }
        break;
      default:
        copy(attributes, i, to);
    }
    attributes.removeAt(i);
    return true;
  }

  /**
   * {@code http.target} held the request target: a path and query in origin form ({@code
   * /cart?id=1}). Other forms ({@code *}, {@code host:443}, an absolute URL) have no lossless
   * place in the current conventions and stay as they are.
   */
  private boolean splitTarget(Attributes attributes, int i) {
    String target = attributes.stringAt(i);
    if (target == null || target.isEmpty() || target.charAt(0) != '/') {
      return false;
    }
    if (attributes.contains(SemconvTable.URL_PATH)) {
      return dropOld(attributes, i);
    }
    int question = target.indexOf('?');
    if (question < 0) {
      attributes.put(SemconvTable.URL_PATH, target);
    } else {
      attributes.put(SemconvTable.URL_PATH, target.substring(0, question));
      if (question + 1 < target.length() && !attributes.contains(SemconvTable.URL_QUERY)) {
        attributes.put(SemconvTable.URL_QUERY, target.substring(question + 1));
      }
    }
    attributes.removeAt(i);
    return true;
  }

  private boolean dropOld(Attributes attributes, int i) {
    if (dropDeprecated) {
      attributes.removeAt(i);
      return true;
    }
    return false;
  }

  private static String transport(String value) {
    switch (value) {
      case "ip_tcp":
        return "tcp";
      case "ip_udp":
        return "udp";
      default:
        return value;
    }
  }

  private static void copy(Attributes attributes, int from, String to) {
    switch (attributes.typeAt(from)) {
      case STRING:
        attributes.put(to, attributes.stringAt(from));
        break;
      case LONG:
        attributes.put(to, attributes.longAt(from));
        break;
      case DOUBLE:
        attributes.put(to, attributes.doubleAt(from));
        break;
      case BOOLEAN:
        attributes.put(to, attributes.booleanAt(from));
        break;
      default:
        attributes.putValue(to, attributes.valueAt(from));
    }
  }

  // ---------------------------------------------------------------- schema URL

  /**
   * Sets the target schema URL unless the item already names the same or a newer OpenTelemetry
   * schema, or a schema URL this processor cannot read (another publisher's, or a malformed
   * version): those are left as they are.
   */
  private void stampSchemaUrl(Item item) {
    String current = item.schemaUrl();
    if (current == null || current.isEmpty()) {
      item.schemaUrl(schemaUrl);
      return;
    }
    if (current.equals(schemaUrl) || !current.startsWith(SemconvTable.SCHEMA_URL_PREFIX)) {
      return;
    }
    if (compareToTarget(current, SemconvTable.SCHEMA_URL_PREFIX.length()) < 0) {
      item.schemaUrl(schemaUrl);
    }
  }

  /**
   * Compares the {@code MAJOR.MINOR.PATCH} version from {@code from} to the end of {@code s} with
   * the target version, without allocating: negative if older, 0 if equal, positive if newer, and
   * {@link Integer#MAX_VALUE} (treated as newer: left alone) if it is not such a version.
   */
  private int compareToTarget(String s, int from) {
    int part = 0;
    int value = 0;
    int digits = 0;
    int result = 0;
    for (int i = from; i <= s.length(); i++) {
      char c = i == s.length() ? '.' : s.charAt(i);
      if (c >= '0' && c <= '9' && digits < 6) {
        value = value * 10 + (c - '0');
        digits++;
      } else if (c == '.' && digits > 0 && part < 3) {
        if (result == 0) {
          result = Integer.compare(value, targetVersion[part]);
        }
        part++;
        value = 0;
        digits = 0;
      } else {
        return Integer.MAX_VALUE;
      }
    }
    return part == 3 ? result : Integer.MAX_VALUE;
  }

  /**
   * Parses {@code MAJOR.MINOR.PATCH} from {@code from} to the end of {@code s}, or returns null.
   * Used for the configured target version, once per processor.
   */
  static int[] parseVersion(String s, int from) {
    int[] parts = new int[3];
    int part = 0;
    int digits = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 6) {
          return null;
        }
        parts[part] = parts[part] * 10 + (c - '0');
        digits++;
      } else if (c == '.' && digits > 0 && part < 2) {
        part++;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 2 && digits > 0 ? parts : null;
  }
}
