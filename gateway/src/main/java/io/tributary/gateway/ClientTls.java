package io.tributary.gateway;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** How the exporters trust a TLS downstream: the JDK's default CAs, or those in a PEM file. */
final class ClientTls {

  private ClientTls() {}

  /** The CAs in {@code ca}; null when {@code ca} is null (the JDK's default CAs then). */
  static X509TrustManager trust(Path ca) {
    return ca == null ? null : Pem.trustManager(ca);
  }

  static SSLSocketFactory socketFactory(X509TrustManager trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JDK: " + e.getMessage(), e);
    }
  }
}
