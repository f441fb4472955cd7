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

  private final Scanner scanner;
  private final KeyRules keys;
  /** By kind: {@link PiiType} ordinal, then the custom detectors in order. */
  private final Action[] actions;
  private final String[] ids;
  private final String[] markers;
  private final String[] countKeys;
  private final CustomDetector[] customs;
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
    this(scanner, keys, actions, hasher, scanBody, scanResource, countAttributes, maxScanLength,
        oversize, java.util.List.of());
  }

  PiiRedactionProcessor(
      Scanner scanner,
      KeyRules keys,
      Action[] actions,
      Hasher hasher,
      boolean scanBody,
      boolean scanResource,
      boolean countAttributes,
      int maxScanLength,
      Oversize oversize,
      List<CustomDetector> customs) {
    this.scanner = scanner;
    this.keys = keys;
    this.customs = customs.toArray(new CustomDetector[0]);
    int kinds = PiiType.VALUES.length + customs.size();
    this.actions = java.util.Arrays.copyOf(actions, kinds);
    this.ids = new String[kinds];
    for (PiiType t : PiiType.VALUES) {
      ids[t.ordinal()] = t.id;
    }
    for (CustomDetector d : customs) {
      ids[d.kind] = d.name;
    }
    this.markers = new String[kinds];
    this.countKeys = new String[kinds];
    for (int k = 0; k < kinds; k++) {
      markers[k] = "[REDACTED:" + ids[k] + "]";
      countKeys[k] = PiiType.COUNT_PREFIX + ids[k];
    }
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
        counts = redactWholeValue(a, i, PiiType.KEY_NAME.ordinal(), counts);
      } else if (verdict >= KeyRules.CUSTOM) {
        counts = redactCustomKey(a, i, customs[verdict - KeyRules.CUSTOM], counts);
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
  private int[] redactWholeValue(Attributes a, int i, int kind, int[] counts) {
    String s = a.stringAt(i);
    if (s != null && (s.isEmpty() || s.equals(markers[kind]))) {
      return counts; // nothing to hide, or already masked
    }
    counts = count(counts, kind);
    switch (actions[kind]) {
      case DROP:
        a.removeAt(i);
        break;
      case HASH:
        a.setStringAt(i, hasher.hash(ids[kind], s != null ? s : String.valueOf(a.valueAt(i))));
        break;
      default:
        a.setStringAt(i, markers[kind]);
    }
    return counts;
  }

  /**
   * A custom detector's key: the whole value is the detector's when it has no pattern, or when the
   * whole string value matches it; anything else is scanned as usual.
   */
  private int[] redactCustomKey(Attributes a, int i, CustomDetector d, int[] counts) {
    String s = a.stringAt(i);
    if (d.pattern == null) {
      return redactWholeValue(a, i, d.kind, counts);
    }
    if (s == null) {
      Object v = a.valueAt(i);
      if (v instanceof Long && d.acceptsValue(String.valueOf(v), 0, String.valueOf(v).length())) {
        return redactWholeValue(a, i, d.kind, counts);
      }
      return a.typeAt(i) == Attributes.Type.ARRAY ? redactArray(a, i, counts) : counts;
    }
    String trimmed = s.strip();
    if (d.acceptsValue(trimmed, 0, trimmed.length())) {
      return redactWholeValue(a, i, d.kind, counts);
    }
    return redactString(a, i, s, counts);
  }

  /** The findings in a value: JSON text value by value, anything else as plain text. */
  private Spans scan(String value, int limit) {
    if (limit == value.length() && JsonValues.looksLikeJson(value)) {
      Spans spans = JsonValues.scan(value, scanner, keys, customs);
      if (spans != JsonValues.NOT_JSON) {
        return spans;
      }
    }
    return scanner.scan(value, limit);
  }

  /** Scans a string attribute and rewrites or removes it; returns the counts. */
  private int[] redactString(Attributes a, int i, String value, int[] counts) {
    int limit = value.length();
    if (limit > maxScanLength) {
      if (oversize != Oversize.SCAN_PREFIX) {
        counts = count(counts, PiiType.OVERSIZE.ordinal());
        if (oversize == Oversize.DROP) {
          a.removeAt(i);
          return counts;
        }
        a.setStringAt(i, PiiType.OVERSIZE.marker);
        return counts;
      }
      limit = maxScanLength;
    }
    Spans spans = scan(value, limit);
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
        counts = count(counts, PiiType.OVERSIZE.ordinal());
        if (oversize == Oversize.DROP) {
          a.removeAt(i);
          return counts;
        }
        replacement = PiiType.OVERSIZE.marker;
      } else {
        Spans spans = scan(s, Math.min(s.length(), maxScanLength));
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
      if (actions[spans.kind(k)] == Action.DROP) {
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
        return count(counts, PiiType.OVERSIZE.ordinal());
      }
      limit = maxScanLength;
    }
    Spans spans = scan(body, limit);
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
      int kind = spans.kind(k);
      int start = spans.start(k);
      int end = spans.end(k);
      sb.append(value, pos, start);
      if (spans.quoted(k)) {
        sb.append('"');
      }
      if (actions[kind] == Action.HASH) {
        PiiType type = kind < PiiType.VALUES.length ? PiiType.VALUES[kind] : null;
        sb.append(hasher.hash(ids[kind], Hasher.normalize(type, value, start, end)));
      } else {
        sb.append(markers[kind]);
      }
      if (spans.quoted(k)) {
        sb.append('"');
      }
      pos = end;
    }
    return sb.append(value, pos, value.length()).toString();
  }

  private int[] count(int[] counts, int kind) {
    int[] c = counts == null ? new int[ids.length] : counts;
    c[kind]++;
    return c;
  }

  private int[] count(int[] counts, Spans spans) {
    int[] c = counts == null ? new int[ids.length] : counts;
    for (int k = 0; k < spans.size(); k++) {
      c[spans.kind(k)]++;
    }
    return c;
  }

  /**
   * Adds the counts to {@code pii.redacted.count} and {@code pii.redacted.<type>}, on top of what
   * an earlier stage wrote there.
   */
  private void writeCounts(Attributes a, int[] counts) {
    long total = 0;
    for (int k = 0; k < counts.length; k++) {
      int n = counts[k];
      if (n > 0) {
        total += n;
        a.put(countKeys[k], a.getLong(countKeys[k], 0L) + n);
      }
    }
    a.put(PiiType.TOTAL_COUNT_KEY, a.getLong(PiiType.TOTAL_COUNT_KEY, 0L) + total);
  }
}
