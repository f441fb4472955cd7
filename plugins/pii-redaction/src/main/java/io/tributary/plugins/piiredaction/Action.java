package io.tributary.plugins.piiredaction;

import java.util.Locale;

/** What happens to a finding. */
enum Action {
  /** Replace the found span (or, for a key-name match, the whole value) with a fixed marker. */
  MASK,
  /** Replace it with a keyed HMAC-SHA256 of the value, so equal values still correlate. */
  HASH,
  /** Remove the attribute; in a log body, where nothing can be removed, mask instead. */
  DROP;

  static final String[] IDS = {"mask", "hash", "drop"};

  final String id = name().toLowerCase(Locale.ROOT);

  /** The action with this id, or null. */
  static Action byId(String id) {
    for (Action a : values()) {
      if (a.id.equals(id)) {
        return a;
      }
    }
    return null;
  }
}
