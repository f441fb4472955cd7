package io.tributary.catalog;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Token holders. Tokens are random, shown once, stored as SHA-256, compared in constant time. */
public interface Principals {

  /** The fewest characters a preset admin token may have. */
  int MIN_PRESET_TOKEN_LENGTH = 32;

  /**
   * Creates a principal and its token, audited, recording {@code creator} as the one who created it
   * (and, for an approver, granted the right).
   *
   * @param name checked by {@link Texts#principalName}
   * @param expiresAt null for no expiry; must be in the future
   * @param creator the principal creating it; null for the system (audited as {@code system})
   * @throws CatalogException CONFLICT if an active principal has this name (in any letter case),
   *     INVALID for a name {@link Texts#principalName} refuses or an expiry in the past
   */
  IssuedToken issue(String name, Role role, boolean approver, Instant expiresAt, Principal creator);

  /**
   * The active principal holding {@code token}, updating its last-used time; empty for an unknown,
   * expired or revoked token (the caller audits failed logins).
   */
  Optional<Principal> authenticate(String token);

  List<Principal> list();

  Optional<Principal> get(long id);

  /**
   * Revokes a token, audited.
   *
   * @throws CatalogException NOT_FOUND, or CONFLICT for the last active admin (the catalog would be
   *     left without anyone able to manage it; create another admin first)
   */
  Principal revoke(long id, String actor);

  /**
   * Recovery for a catalog without a usable admin: creates a new admin principal (no approver
   * right) with a fresh token, whatever else exists, audited as {@code admin.reset} by {@code
   * actor}. Meant for the {@code reset-admin} command, run by whoever can open the catalog's
   * database, i.e. already holds the keys to everything.
   *
   * @param name checked by {@link Texts#principalName}
   * @throws CatalogException CONFLICT if an active principal has this name
   */
  IssuedToken resetAdmin(String name, String actor, String reason);

  /**
   * On first start (no principal at all) creates an {@code admin} principal with the approver
   * right: with {@code presetToken} if given (from {@code TRIBUTARY_ADMIN_TOKEN}), else a generated
   * token written to {@code tokenFile} with mode 0600.
   *
   * @throws IllegalArgumentException if {@code presetToken} is shorter than {@link
   *     #MIN_PRESET_TOKEN_LENGTH} characters (checked whether or not a principal exists)
   * @return the file the generated token was written to, if one was
   */
  Optional<Path> bootstrap(String presetToken, Path tokenFile);

  /**
   * Refuses a preset admin token that is short enough to guess or that holds white space or
   * control characters (it would not survive being copied into a header).
   */
  static void checkPresetToken(String presetToken) {
    String token = presetToken.trim();
    if (token.length() < MIN_PRESET_TOKEN_LENGTH) {
      throw new IllegalArgumentException("TRIBUTARY_ADMIN_TOKEN has " + token.length() + " characters; a preset"
          + " admin token needs at least " + MIN_PRESET_TOKEN_LENGTH + " (generate one with e.g. 'openssl rand"
          + " -base64 32', or unset it to have a token generated into the data directory)");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c >= 0x7F) {
        throw new IllegalArgumentException("TRIBUTARY_ADMIN_TOKEN holds a character other than visible ASCII at"
            + " position " + (i + 1) + "; use letters, digits and punctuation only");
      }
    }
  }

}
