package io.tributary.plugins.piiredaction;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import java.util.ArrayList;
import java.util.List;

/**
 * Redacts one item: item attributes, resource attributes if configured, the log body if
 * configured, then adds the counts. Immutable apart from the per-thread HMAC state in {@link
 * Hasher}; thread-safe. Never logs or keeps a value.
 */
final class PiiRedactionProcessor implements Processor {

  /** How a value longer than {@code maxScanLength} is handled. */
  enum Oversize {
    SCAN_PREFIX,
    MASK,
    DROP
  }

  private static final int TYPES = PiiType.VALUES.length;

  private final Scanner scanner;
  private final KeyRules keys;
  /** By {@link PiiType} ordinal. */
  private final Action[] actions;
  /** Null when no enabled type hashes. */
  private final Hasher hasher;
  private final boolean scanBody;
  private final boolean scanResource;
  private final boolean countAttributes;
  private final int maxScanLength;
  private final Oversize oversize;

  PiiRedactionProcessor(
      Scanner scanner,
      KeyRules keys,
      Action[] actions,
      Hasher hasher,
      boolean scanBody,
      boolean scanResource,
      boolean countAttributes,
      int maxScanLength,
      Oversize oversize) {
    this.scanner = scanner;
    this.keys = keys;
    this.actions = actions.clone();
    this.hasher = hasher;
    this.scanBody = scanBody;
    this.scanResource = scanResource;
    this.countAttributes = countAttributes;
    this.maxScanLength = maxScanLength;
    this.oversize = oversize;
  }

  @Override
  public void process(Item item) {
    int[] counts = redactAttributes(item.attributes(), null);
    if (scanResource) {
      counts = redactAttributes(item.resource(), counts);
    }
    if (scanBody) {
      counts = redactBody(item, counts);
    }
    if (counts != null && countAttributes) {
      writeCounts(item.attributes(), counts);
    }
  }

  // ---------------------------------------------------------------- attributes

  /** Returns {@code counts}, allocated on the first finding. */
  private int[] redactAttributes(Attributes a, int[] counts) {
    int i = 0;
    while (i < a.size()) {
      int verdict = keys.classify(a.keyAt(i));
      if (verdict == KeyRules.ALLOW) {
        i++;
        continue;
      }
      int before = a.size();
      String value;
      if (verdict == KeyRules.SECRET) {
        counts = redactWholeValue(a, i, counts);
      } else if ((value = a.stringAt(i)) != null) {
        counts = redactString(a, i, value, counts);
      } else if (a.typeAt(i) == Attributes.Type.ARRAY) {
        counts = redactArray(a, i, counts);
      }
      if (a.size() == before) {
        i++; // else it was removed, and the next attribute moved into place i
      }
    }
    return counts;
  }

  /** A key whose name says it holds a secret: mask, hash or drop the value, whatever its type. */
  private int[] redactWholeValue(Attributes a, int i, int[] counts) {
    String s = a.stringAt(i);
    if (s != null && (s.isEmpty() || s.equals(PiiType.KEY_NAME.marker))) {
      return counts; // nothing to hide, or already masked
    }
    counts = count(counts, PiiType.KEY_NAME);
    switch (actions[PiiType.KEY_NAME.ordinal()]) {
      case DROP:
        a.removeAt(i);
        break;
      case HASH:
        a.setStringAt(i, hasher.hash(PiiType.KEY_NAME, s != null ? s : String.valueOf(a.valueAt(i))));
        break;
      default:
        a.setStringAt(i, PiiType.KEY_NAME.marker);
    }
    return counts;
  }

  /** Scans a string attribute and rewrites or removes it; returns the counts. */
  private int[] redactString(Attributes a, int i, String value, int[] counts) {
    int limit = value.length();
    if (limit > maxScanLength) {
      if (oversize != Oversize.SCAN_PREFIX) {
        counts = count(counts, PiiType.OVERSIZE);
        if (oversize == Oversize.DROP) {
          a.removeAt(i);
          return counts;
        }
        a.setStringAt(i, PiiType.OVERSIZE.marker);
        return counts;
      }
      limit = maxScanLength;
    }
    Spans spans = scanner.scan(value, limit);
    if (spans == null) {
      return counts;
    }
    counts = count(counts, spans);
    if (dropsAttribute(spans)) {
      a.removeAt(i);
      return counts;
    }
    a.setStringAt(i, rewrite(value, spans));
    return counts;
  }

  /** Scans the string elements of an array attribute and rewrites or removes it; returns the counts. */
  private int[] redactArray(Attributes a, int i, int[] counts) {
    List<?> list = (List<?>) a.valueAt(i);
    List<Object> copy = null;
    for (int k = 0, n = list.size(); k < n; k++) {
      Object element = list.get(k);
      if (!(element instanceof String)) {
        continue;
      }
      String s = (String) element;
      String replacement;
      if (s.length() > maxScanLength && oversize != Oversize.SCAN_PREFIX) {
        counts = count(counts, PiiType.OVERSIZE);
        if (oversize == Oversize.DROP) {
          a.removeAt(i);
          return counts;
        }
        replacement = PiiType.OVERSIZE.marker;
      } else {
        Spans spans = scanner.scan(s, Math.min(s.length(), maxScanLength));
        if (spans == null) {
          continue;
        }
        counts = count(counts, spans);
        if (dropsAttribute(spans)) {
          a.removeAt(i);
          return counts;
        }
        replacement = rewrite(s, spans);
      }
      if (copy == null) {
        copy = new ArrayList<>(list);
      }
      copy.set(k, replacement);
    }
    if (copy != null) {
      a.putArray(a.keyAt(i), copy);
    }
    return counts;
  }

  private boolean dropsAttribute(Spans spans) {
    for (int k = 0; k < spans.size(); k++) {
      if (actions[spans.type(k).ordinal()] == Action.DROP) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- body

  private int[] redactBody(Item item, int[] counts) {
    String body = item.body();
    if (body == null || body.isEmpty()) {
      return counts;
    }
    int limit = body.length();
    if (limit > maxScanLength) {
      if (oversize != Oversize.SCAN_PREFIX) {
        // A body cannot be dropped: drop falls back to mask.
        item.body(PiiType.OVERSIZE.marker);
        return count(counts, PiiType.OVERSIZE);
      }
      limit = maxScanLength;
    }
    Spans spans = scanner.scan(body, limit);
    if (spans == null) {
      return counts;
    }
    item.body(rewrite(body, spans));
    return count(counts, spans);
  }

  // ---------------------------------------------------------------- rewriting and counting

  /** Replaces each finding by its marker or hash; {@code drop} findings (in a body) are masked. */
  private String rewrite(String value, Spans spans) {
    StringBuilder sb = new StringBuilder(value.length() + 16 * spans.size());
    int pos = 0;
    for (int k = 0; k < spans.size(); k++) {
      PiiType type = spans.type(k);
      int start = spans.start(k);
      int end = spans.end(k);
      sb.append(value, pos, start);
      if (actions[type.ordinal()] == Action.HASH) {
        sb.append(hasher.hash(type, Hasher.normalize(type, value, start, end)));
      } else {
        sb.append(type.marker);
      }
      pos = end;
    }
    return sb.append(value, pos, value.length()).toString();
  }

  private static int[] count(int[] counts, PiiType type) {
    int[] c = counts == null ? new int[TYPES] : counts;
    c[type.ordinal()]++;
    return c;
  }

  private static int[] count(int[] counts, Spans spans) {
    int[] c = counts == null ? new int[TYPES] : counts;
    for (int k = 0; k < spans.size(); k++) {
      c[spans.type(k).ordinal()]++;
    }
    return c;
  }

  /**
   * Adds the counts to {@code pii.redacted.count} and {@code pii.redacted.<type>}, on top of what
   * an earlier stage wrote there.
   */
  private static void writeCounts(Attributes a, int[] counts) {
    long total = 0;
    for (PiiType type : PiiType.VALUES) {
      int n = counts[type.ordinal()];
      if (n > 0) {
        total += n;
        a.put(type.countKey, a.getLong(type.countKey, 0L) + n);
      }
    }
    a.put(PiiType.TOTAL_COUNT_KEY, a.getLong(PiiType.TOTAL_COUNT_KEY, 0L) + total);
  }
}
