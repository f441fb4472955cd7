package io.tributary.plugins.piiredaction;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Redacts PII in attribute values and log bodies. Thread-safe: the configuration is immutable and
 * per-thread scratch space (findings, MAC) lives in thread locals.
 */
final class PiiRedactionProcessor implements Processor {

  static final int MASK = 0;
  static final int HASH = 1;
  static final int DROP = 2;

  static final String COUNT_KEY = "pii.redacted.count";

  private final PiiScanner scanner;
  private final int[] actions; // per type
  private final boolean[] enabled;
  private final Set<String> allowExact;
  private final String[] allowPrefixes;
  private final String[] sensitiveWords;
  private final boolean scanBody;
  private final boolean scanResource;
  private final int maxScanLength;
  private final boolean countAttributes;
  private final int hashLength;
  private final byte[] hashKey;
  private final String[] countKeys = new String[PiiScanner.TYPES];

  private static final byte SCAN = 0;
  private static final byte ALLOWED = 1;
  private static final byte SECRET = 2;

  /** Key → what to do with its value; keys repeat endlessly, so one lookup is worth caching (bounded). */
  private final Map<String, Byte> keyClasses = new ConcurrentHashMap<>();
  private static final int KEY_CACHE_LIMIT = 10_000;

  private final ThreadLocal<PiiScanner.Findings> findings = ThreadLocal.withInitial(PiiScanner.Findings::new);
  private final ThreadLocal<Mac> macs;

  PiiRedactionProcessor(PiiScanner scanner, int[] actions, boolean[] enabled, Set<String> allowExact,
      String[] allowPrefixes, String[] sensitiveWords, boolean scanBody, boolean scanResource, int maxScanLength,
      boolean countAttributes, int hashLength, byte[] hashKey) {
    this.scanner = scanner;
    this.actions = actions.clone();
    this.enabled = enabled.clone();
    this.allowExact = Set.copyOf(allowExact);
    this.allowPrefixes = allowPrefixes.clone();
    this.sensitiveWords = sensitiveWords.clone();
    this.scanBody = scanBody;
    this.scanResource = scanResource;
    this.maxScanLength = maxScanLength;
    this.countAttributes = countAttributes;
    this.hashLength = hashLength;
    this.hashKey = hashKey == null ? null : hashKey.clone();
    for (int t = 0; t < PiiScanner.TYPES; t++) {
      countKeys[t] = "pii.redacted." + PiiScanner.TYPE_NAMES[t];
    }
    this.macs = hashKey == null ? null : ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public void process(Item item) {
    PiiScanner.Findings f = findings.get();
    int[] counts = null;
    counts = redact(item.attributes(), f, counts);
    if (scanResource) {
      counts = redact(item.resource(), f, counts);
    }
    if (scanBody && item.body() != null) {
      String body = item.body();
      String redacted = redactText(body, f, false);
      if (redacted != body) {
        counts = count(f, counts);
        item.body(redacted);
      }
    }
    if (counts != null && countAttributes) {
      long total = 0;
      for (int t = 0; t < PiiScanner.TYPES; t++) {
        if (counts[t] > 0) {
          item.attributes().put(countKeys[t], item.attributes().getLong(countKeys[t], 0) + counts[t]);
          total += counts[t];
        }
      }
      item.attributes().put(COUNT_KEY, item.attributes().getLong(COUNT_KEY, 0) + total);
    }
  }

  private int[] redact(Attributes attributes, PiiScanner.Findings f, int[] counts) {
    for (int i = 0; i < attributes.size(); i++) {
      byte keyClass = classOf(attributes.keyAt(i));
      if (keyClass == ALLOWED) {
        continue;
      }
      if (keyClass == SECRET) {
        counts = counts == null ? new int[PiiScanner.TYPES] : counts;
        counts[PiiScanner.SECRET_KEY]++;
        int action = actions[PiiScanner.SECRET_KEY];
        if (action == DROP) {
          attributes.removeAt(i);
          i--;
        } else {
          String value = attributes.typeAt(i) == Attributes.Type.STRING ? attributes.stringAt(i)
              : String.valueOf(attributes.valueAt(i));
          attributes.setStringAt(i, replacement(PiiScanner.SECRET_KEY, value));
        }
        continue;
      }
      String value = attributes.stringAt(i);
      if (value == null) {
        continue; // numbers, booleans, arrays: not scanned
      }
      String redacted = redactText(value, f, true);
      if (redacted == value) {
        continue;
      }
      counts = count(f, counts);
      if (redacted == null) {
        attributes.removeAt(i);
        i--;
      } else {
        attributes.setStringAt(i, redacted);
      }
    }
    return counts;
  }

  /**
   * Returns {@code value} itself if nothing was found (no allocation), the redacted text, or null
   * if the attribute should be dropped ({@code mayDrop}; a body is masked instead). Leaves the findings in {@code f} for counting.
   */
  private String redactText(String value, PiiScanner.Findings f, boolean mayDrop) {
    f.clear();
    if (value.length() > maxScanLength) {
      f.add(0, value.length(), PiiScanner.OVERSIZE);
      return "[REDACTED:oversize]";
    }
    scanner.scan(value, value.length(), f);
    if (f.size == 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length() + 16 * f.size);
    int pos = 0;
    for (int k = 0; k < f.size; k++) {
      int type = f.types[k];
      if (actions[type] == DROP && mayDrop) {
        return null;
      }
      sb.append(value, pos, f.starts[k]);
      sb.append(replacement(type, value.substring(f.starts[k], f.ends[k])));
      pos = f.ends[k];
    }
    sb.append(value, pos, value.length());
    return sb.toString();
  }

  /** The text that replaces a finding: a hash, or a mask (also for drop, where dropping is not possible). */
  private String replacement(int type, String found) {
    if (actions[type] == HASH) {
      byte[] digest = macs.get().doFinal(found.getBytes(StandardCharsets.UTF_8));
      return "[" + PiiScanner.TYPE_NAMES[type] + ":" + hex(digest, hashLength) + "]";
    }
    return "[REDACTED:" + PiiScanner.TYPE_NAMES[type] + "]";
  }

  private static int[] count(PiiScanner.Findings f, int[] counts) {
    int[] c = counts == null ? new int[PiiScanner.TYPES] : counts;
    for (int k = 0; k < f.size; k++) {
      c[f.types[k]]++;
    }
    return c;
  }

  private boolean isAllowed(String key) {
    if (key.startsWith("pii.redacted.") || allowExact.contains(key)) {
      return true;
    }
    for (String prefix : allowPrefixes) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private byte classOf(String key) {
    Byte known = keyClasses.get(key);
    if (known != null) {
      return known;
    }
    byte computed = isAllowed(key) ? ALLOWED
        : enabled[PiiScanner.SECRET_KEY] && isSecretName(key) ? SECRET : SCAN;
    if (keyClasses.size() < KEY_CACHE_LIMIT) {
      keyClasses.put(key, computed);
    }
    return computed;
  }

  /** True if a segment of the key (split at '.', '_', '-', '/', ' ') or the whole key names a secret. */
  private boolean isSecretName(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (String word : sensitiveWords) {
      int at = lower.indexOf(word);
      while (at >= 0) {
        int end = at + word.length();
        boolean startOk = at == 0 || isSeparator(lower.charAt(at - 1));
        boolean endOk = end == lower.length() || isSeparator(lower.charAt(end));
        if (startOk && endOk) {
          return true;
        }
        at = lower.indexOf(word, at + 1);
      }
    }
    return false;
  }

  private static boolean isSeparator(char c) {
    return c == '.' || c == '_' || c == '-' || c == ' ' || c == '/';
  }

  private static String hex(byte[] bytes, int chars) {
    char[] out = new char[chars];
    for (int i = 0; i < chars; i++) {
      int b = bytes[i / 2] & 0xff;
      int nibble = (i & 1) == 0 ? b >>> 4 : b & 0x0f;
      out[i] = (char) (nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
    }
    return new String(out);
  }
}
