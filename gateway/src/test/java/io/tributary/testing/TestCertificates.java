package io.tributary.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for TLS tests: it signs server certificates for localhost and
 * client certificates, and writes them (and their keys, RSA in PKCS#1) as PEM files. In a package
 * of its own, so other modules' tests can use it from the gateway's test jar.
 */
public final class TestCertificates {

  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestCertificates(String name) throws Exception {
    this.name = name;
    this.caKeys = rsa();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + name + " test CA");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
        caKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.ca = sign(b, caKeys);
  }

  /** A new CA named {@code name}. */
  public static TestCertificates authority(String name) {
    try {
      return new TestCertificates(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA certificate as a PEM file in {@code dir}. */
  public Path caFile(Path dir) throws IOException {
    return write(dir.resolve(name + "-ca.pem"), pem(ca));
  }

  /** A certificate and its key, as files and as objects. */
  public record Issued(Path cert, Path key, X509Certificate certificate, java.security.PrivateKey privateKey) {}

  /** A server certificate for localhost and 127.0.0.1, signed by this CA, written to {@code dir}. */
  public Issued server(Path dir, String fileName) {
    return issue(dir, fileName, "localhost", true);
  }

  /** A client certificate, signed by this CA, written to {@code dir}. */
  public Issued client(Path dir, String fileName) {
    return issue(dir, fileName, fileName, false);
  }

  private Issued issue(Path dir, String fileName, String commonName, boolean server) {
    try {
      KeyPair keys = rsa();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, BigInteger.valueOf(System.nanoTime()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
          new X500Name("CN=" + commonName), keys.getPublic());
      if (server) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      X509Certificate certificate = sign(b, caKeys);
      Path cert = write(dir.resolve(fileName + ".crt"), pem(certificate));
      Path key = write(dir.resolve(fileName + ".key"), pem(keys.getPrivate()));
      return new Issued(cert, key, certificate, keys.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An SSLContext that trusts this CA and, if {@code client} is given, presents it. */
  public SSLContext clientContext(Issued client) {
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (client != null) {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", client.privateKey(), new char[0],
            new java.security.cert.Certificate[] {client.certificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
