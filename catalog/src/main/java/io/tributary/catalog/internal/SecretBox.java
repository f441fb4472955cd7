package io.tributary.catalog.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts config values with AES-256-GCM (a random 12-byte IV per value). A stored secret is the
 * JSON object {@code {"$secret": "v1:<base64 of iv || ciphertext || tag>"}}; the plaintext is the
 * value's JSON, so any type round-trips.
 */
public final class SecretBox {

  public static final String FIELD = "$secret";
  private static final String VERSION = "v1:";
  private static final byte[] AAD = "tributary-secret-v1".getBytes(StandardCharsets.UTF_8);
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  /** What the masked views show for a secret that has a value. */
  public static Map<String, Object> setMarker() {
    return Map.of("set", true);
  }

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public SecretBox(Keys keys) {
    this.key = new SecretKeySpec(keys.secretKey(), "AES");
  }

  public static boolean isEncrypted(Object value) {
    return value instanceof Map<?, ?> m && m.size() == 1 && m.get(FIELD) instanceof String;
  }

  public static boolean isSetMarker(Object value) {
    return value instanceof Map<?, ?> m && m.size() == 1 && Boolean.TRUE.equals(m.get("set"));
  }

  public Map<String, Object> encrypt(Object value) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(AAD);
      byte[] sealed = cipher.doFinal(Json.write(value).getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
      return Map.of(FIELD, VERSION + Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** @param where names the value in the error, e.g. {@code stage 'pii', key 'salt'} */
  public Object decrypt(Object stored, String where) {
    String text = (String) ((Map<?, ?>) stored).get(FIELD);
    if (!text.startsWith(VERSION)) {
      throw new IllegalStateException("cannot decrypt " + where + ": unknown format");
    }
    byte[] all;
    try {
      all = Base64.getDecoder().decode(text.substring(VERSION.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("cannot decrypt " + where + ": not base64", e);
    }
    if (all.length < IV_BYTES + TAG_BITS / 8) {
      throw new IllegalStateException("cannot decrypt " + where + ": too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      cipher.updateAAD(AAD);
      byte[] plain = cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES);
      return Json.read(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot decrypt " + where + ": it was encrypted with a different master key, or altered", e);
    }
  }
}
