package io.tributary.server.http;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.Texts;

/**
 * Names and reasons from request bodies, checked by the catalog's {@link Texts} rules before
 * anything is done with them, so a refusal is a 400 naming the problem rather than a half-done
 * request.
 */
final class TextInput {

  private TextInput() {}

  /** A principal name, or 400 {@code invalid_name}. */
  static String name(String raw) {
    try {
      return Texts.principalName(raw);
    } catch (CatalogException e) {
      throw new ApiException(400, "invalid_name", "'name': " + e.getMessage());
    }
  }

  /** A reason (null if absent or blank), or 400 {@code invalid_reason}. */
  static String reason(String raw) {
    try {
      return Texts.reason(raw);
    } catch (CatalogException e) {
      throw new ApiException(400, "invalid_reason", "'reason': " + e.getMessage());
    }
  }
}
