package io.tributary.plugins.piiredaction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What the processor finds. The id is the name used in config, markers and count keys. */
enum PiiType {
  EMAIL("email"),
  CARD("card"),
  PHONE("phone"),
  IPV4("ipv4"),
  IPV6("ipv6"),
  JWT("jwt"),
  BEARER("bearer"),
  API_KEY("api_key"),
  /** A value after a credential word ({@code password=…}), in a URL's user info, or HTTP Basic. */
  CREDENTIAL("credential"),
  /** A PEM private key block. */
  PRIVATE_KEY("private_key"),
  /** An IBAN with a valid length for its country and mod-97 check digits. */
  IBAN("iban"),
  /** A US social security number written {@code AAA-GG-SSSS} that the SSA could have issued. */
  SSN("ssn"),
  KEY_NAME("key_name"),
  /** Not a detector: a value longer than {@code maxScanLength} replaced or dropped whole. */
  OVERSIZE("oversize");

  static final String COUNT_PREFIX = "pii.redacted.";
  static final String TOTAL_COUNT_KEY = COUNT_PREFIX + "count";

  static final PiiType[] VALUES = values();

  /** The ids a user can enable and give actions to (every type but {@link #OVERSIZE}). */
  static final List<String> CONFIGURABLE_IDS;

  static {
    List<String> ids = new ArrayList<>();
    for (PiiType t : VALUES) {
      if (t != OVERSIZE) {
        ids.add(t.id);
      }
    }
    CONFIGURABLE_IDS = Collections.unmodifiableList(ids);
  }

  final String id;
  final String marker;
  final String countKey;

  PiiType(String id) {
    this.id = id;
    this.marker = "[REDACTED:" + id + "]";
    this.countKey = COUNT_PREFIX + id;
  }

  /** The configurable type with this id, or null. */
  static PiiType byId(String id) {
    for (PiiType t : VALUES) {
      if (t != OVERSIZE && t.id.equals(id)) {
        return t;
      }
    }
    return null;
  }
}
