package io.tributary.catalog.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master key and the subkeys derived from it. The master key is only used to derive: one
 * subkey encrypts secrets, another keys the audit chain, a third checks that the catalog is opened
 * with the key it was created with.
 */
public final class Keys {

  public static final String ENV_VARIABLE = "TRIBUTARY_SECRET_KEY";
  public static final String KEY_FILE = "secret.key";

  private final byte[] secretKey;
  private final byte[] auditKey;
  private final String keyCheck;

  private Keys(byte[] master) {
    this.secretKey = derive(master, "tributary/secrets/v1");
    this.auditKey = derive(master, "tributary/audit/v1");
    this.keyCheck = HexFormat.of().formatHex(derive(master, "tributary/key-check/v1"));
  }

  public static Keys of(byte[] master) {
    if (master.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes, not " + master.length);
    }
    return new Keys(master);
  }

  /**
   * The configured key, else {@code TRIBUTARY_SECRET_KEY}, else {@code <dataDir>/secret.key}
   * (generated on first use, owner-only where the file system allows).
   */
  public static Keys load(String configured, Function<String, String> env, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return of(decode(configured, "the configured master key"));
    }
    String fromEnv = env.apply(ENV_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return of(decode(fromEnv, ENV_VARIABLE));
    }
    Path file = dataDir.resolve(KEY_FILE);
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
          OwnerOnlyFiles.createNew(file, (Base64.getEncoder().encodeToString(fresh) + "\n")
              .getBytes(StandardCharsets.US_ASCII));
          return of(fresh);
        } catch (FileAlreadyExistsException raced) {
          // another process created it first: use theirs
        }
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII);
      return of(decode(text, file.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key file " + file, e);
    }
  }

  private static byte[] decode(String base64, String where) {
    try {
      byte[] key = Base64.getDecoder().decode(base64.trim());
      if (key.length != 32) {
        throw new IllegalArgumentException(
            where + " must be base64 of 32 bytes, but decodes to " + key.length + " bytes");
      }
      return key;
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(where)) {
        throw e;
      }
      throw new IllegalArgumentException(where + " is not valid base64", e);
    }
  }

  static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static byte[] derive(byte[] master, String purpose) {
    return hmac(master, purpose.getBytes(StandardCharsets.UTF_8));
  }

  byte[] secretKey() {
    return secretKey;
  }

  byte[] auditKey() {
    return auditKey;
  }

  /** A value that identifies the master key without revealing it. */
  public String keyCheck() {
    return keyCheck;
  }
}
