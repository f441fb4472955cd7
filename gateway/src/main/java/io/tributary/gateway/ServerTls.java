package io.tributary.gateway;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's TLS: its certificate chain and private key from PEM files, and optionally the CA
 * whose client certificates it requires (mutual TLS). The files are read again when they change
 * (looked at, at most once a second, when a connection is made): a renewed certificate is served
 * to the next connection without a restart. A change that cannot be used (a key that does not
 * belong to the certificate, say, while the two files are being replaced) is logged, and the last
 * good pair is served until the files are right again.
 *
 * <p>One instance serves every listener given it (admin, OTLP/HTTP, OTLP/gRPC).
 */
public final class ServerTls {

  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
  private static final long CHECK_EVERY_MILLIS = 1_000;

  private final Path certFile;
  private final Path keyFile;
  private final Path clientCaFile;
  private final Clock clock;
  private final ReloadingKeyManager keyManager = new ReloadingKeyManager();
  private final ReloadingTrustManager trustManager;
  private volatile Material material;
  private volatile long checkedAt;

  /** The certificate and key served, their files' modification times, and the client CA. */
  private record Material(X509Certificate[] chain, PrivateKey key, FileTime certTime, FileTime keyTime,
      X509TrustManager clientCa, FileTime caTime, String alias) {}

  private ServerTls(Path certFile, Path keyFile, Path clientCaFile, Clock clock) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.clientCaFile = clientCaFile;
    this.clock = clock;
    this.trustManager = clientCaFile == null ? null : new ReloadingTrustManager();
    this.material = load(0);
    this.checkedAt = clock.millis();
  }

  /**
   * Reads the PEM files and checks that they make a usable pair.
   *
   * @param clientCa the CA file whose client certificates are required; null for none
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static ServerTls load(Path cert, Path key, Path clientCa) {
    return load(cert, key, clientCa, Clock.systemUTC());
  }

  static ServerTls load(Path cert, Path key, Path clientCa, Clock clock) {
    return new ServerTls(Objects.requireNonNull(cert, "cert").toAbsolutePath(),
        Objects.requireNonNull(key, "key").toAbsolutePath(),
        clientCa == null ? null : clientCa.toAbsolutePath(), clock);
  }

  /** Whether clients must present a certificate signed by the client CA. */
  public boolean requiresClientCertificates() {
    return trustManager != null;
  }

  /** "TLS" or "mutual TLS", with the served certificate's subject. */
  public String describe() {
    return (requiresClientCertificates() ? "mutual TLS" : "TLS") + ", certificate "
        + material.chain()[0].getSubjectX500Principal().getName();
  }

  /** The certificate served now. */
  public X509Certificate certificate() {
    reloadIfChanged();
    return material.chain()[0];
  }

  /** An SSLContext serving this certificate (for Jetty's listeners); it follows reloads. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keyManager}, trustManager == null ? null : new TrustManager[] {trustManager},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JDK: " + e.getMessage(), e);
    }
  }

  /**
   * An HTTPS connector for a Jetty server (HTTP/1.1 over TLS) on {@code host} (null: every
   * interface) and {@code port}, serving this certificate.
   *
   * @param clientCertificates whether to require client certificates signed by the client CA (if
   *     there is one)
   */
  public Connector connector(Server server, HttpConfiguration http, String host, int port,
      boolean clientCertificates) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setSslContext(sslContext());
    factory.setNeedClientAuth(clientCertificates && requiresClientCertificates());
    factory.setEndpointIdentificationAlgorithm(null);
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // The certificate need not name the host a client dialled (an IP address, say): clients check that.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server,
        new SslConnectionFactory(factory, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }

  /** Credentials for grpc-java's server; they follow reloads. */
  ServerCredentials grpcCredentials() {
    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(keyManager);
    if (trustManager != null) {
      builder.trustManager(trustManager).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return builder.build();
  }

  private Material load(long generation) {
    try {
      FileTime certTime = Files.getLastModifiedTime(certFile);
      FileTime keyTime = Files.getLastModifiedTime(keyFile);
      FileTime caTime = clientCaFile == null ? null : Files.getLastModifiedTime(clientCaFile);
      List<X509Certificate> chain = Pem.certificates(certFile);
      PrivateKey key = Pem.privateKey(keyFile);
      Pem.checkPair(key, chain.get(0), keyFile, certFile);
      X509TrustManager ca = clientCaFile == null ? null : Pem.trustManager(clientCaFile);
      return new Material(chain.toArray(X509Certificate[]::new), key, certTime, keyTime, ca, caTime,
          "tributary-" + generation);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TLS files: " + e.getMessage());
    }
  }

  /** Reads the files again if one of them changed since they were read (checked at most once a second). */
  private void reloadIfChanged() {
    long now = clock.millis();
    if (now - checkedAt < CHECK_EVERY_MILLIS) {
      return;
    }
    synchronized (this) {
      if (now - checkedAt < CHECK_EVERY_MILLIS) {
        return;
      }
      checkedAt = now;
      Material current = material;
      try {
        boolean changed = !Files.getLastModifiedTime(certFile).equals(current.certTime())
            || !Files.getLastModifiedTime(keyFile).equals(current.keyTime())
            || (clientCaFile != null && !Files.getLastModifiedTime(clientCaFile).equals(current.caTime()));
        if (!changed) {
          return;
        }
        long generation = Long.parseLong(current.alias().substring("tributary-".length())) + 1;
        material = load(generation);
        LOG.info("TLS files changed: now serving {}", describe());
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn("TLS files changed but cannot be used ({}); still serving the certificate read before",
            e.getMessage());
      }
    }
  }

  /** Serves whatever {@link #material} holds now. */
  private final class ReloadingKeyManager extends X509ExtendedKeyManager {
    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      reloadIfChanged();
      return material.alias();
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      reloadIfChanged();
      return material.alias();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return material.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return material.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {material.alias()};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** Checks client certificates against the client CA {@link #material} holds now. */
  private final class ReloadingTrustManager extends X509ExtendedTrustManager {
    private X509TrustManager ca() {
      reloadIfChanged();
      return material.clientCa();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      ca().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      X509TrustManager ca = ca();
      if (ca instanceof X509ExtendedTrustManager extended) {
        extended.checkClientTrusted(chain, authType, socket);
      } else {
        ca.checkClientTrusted(chain, authType);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      X509TrustManager ca = ca();
      if (ca instanceof X509ExtendedTrustManager extended) {
        extended.checkClientTrusted(chain, authType, engine);
      } else {
        ca.checkClientTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a server's trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return material.clientCa().getAcceptedIssuers();
    }
  }
}
