package io.tributary.gateway;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * PEM files as the JDK's security types: certificates, private keys (PKCS#8, and PKCS#1 RSA), and
 * trust managers from CA files. Every failure is an {@link IllegalArgumentException} that names
 * the file and what is wrong with it.
 */
final class Pem {

  private Pem() {}

  /** The largest PEM file read: certificates and keys are a few KiB; a CA bundle a few hundred. */
  static final int MAX_FILE_BYTES = 1 << 20;
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** The certificates in {@code file}, in order (a server's first, then its chain). */
  static List<X509Certificate> certificates(Path file) {
    String text = read(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(text)) {
        if (block.type.equals("CERTIFICATE")) {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der)));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " holds a certificate that cannot be read: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The private key in {@code file}: PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA. */
  static PrivateKey privateKey(Path file) {
    for (Block block : blocks(read(file))) {
      switch (block.type) {
        case "PRIVATE KEY":
          return pkcs8(file, block.der);
        case "RSA PRIVATE KEY":
          return pkcs8(file, rsaPkcs1ToPkcs8(block.der));
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(file + " holds an encrypted private key; give an unencrypted one"
              + " (readable only by the server's user), e.g. openssl pkcs8 -in " + file.getFileName()
              + " -out key.pem");
        case "EC PRIVATE KEY":
          throw new IllegalArgumentException(file + " holds an EC key in the SEC1 format; convert it to PKCS#8:"
              + " openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem");
        default:
          // Parameters, certificates: look further.
      }
    }
    throw new IllegalArgumentException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /** Refuses a key that does not belong to the certificate: a message signed by one must verify with the other. */
  static void checkPair(PrivateKey key, X509Certificate certificate, Path keyFile, Path certFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    try {
      byte[] probe = "tributary key check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      if (verify.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // Falls through: not a matching pair.
    }
    throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the certificate in "
        + certFile + " (" + certificate.getSubjectX500Principal().getName() + ")");
  }

  /** A trust manager that trusts the CA certificates in {@code file} (and nothing else). */
  static X509TrustManager trustManager(Path file) {
    List<X509Certificate> cas = certificates(file);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : cas) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the CA certificates in " + file + " cannot be used: " + e.getMessage());
    }
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // Try the next algorithm.
      }
    }
    throw new IllegalArgumentException(file + " holds a private key of a kind that cannot be read (RSA, EC and"
        + " Ed25519 keys in PKCS#8 can)");
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
  private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    if (length < 0x100) {
      return new byte[] {(byte) 0x81, (byte) length};
    }
    if (length < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
    }
    return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(String text) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        // Not base64 after all: not a block.
      }
    }
    return out;
  }

  private static String read(Path file) {
    try {
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new IllegalArgumentException(file + " is not a regular file");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(file + " is over " + (MAX_FILE_BYTES >> 10) + " KiB: not a PEM file");
      }
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + " does not exist");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is not a PEM file (it is not text)");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
    }
  }
}
