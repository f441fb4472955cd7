package io.tributary.gateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * POST requests to one origin over one kept-alive HTTP/1.1 connection, written and read on the
 * calling thread.
 *
 * <p>The exporter has one thread and sends one request at a time, so it needs neither a pool nor
 * an event loop; the JDK's asynchronous client spent more CPU handing a megabyte body between its
 * threads than the gateway spent enriching the spans in it. Each request has a deadline: reads
 * time out, and a write to a downstream that stopped reading is cut by closing the socket.
 *
 * <p>Not thread-safe: one caller at a time.
 */
final class HttpPost implements Closeable {

  /** A response: its status, its Retry-After header (or null) and up to {@link #MAX_BODY} of its body. */
  record Response(int status, String retryAfter, byte[] body) {}

  static final int MAX_BODY = 1 << 20;
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  /** A body larger than this is not read to the end: the connection is closed instead. */
  private static final long MAX_DRAIN = 16L << 20;

  /** Cuts writes that outlive their deadline; one daemon thread for every exporter. */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tributary-export-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final String host;
  private final int port;
  private final boolean tls;
  private final String hostHeader;
  private final Duration connectTimeout;
  private final SSLSocketFactory sslSockets;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  HttpPost(URI origin, Duration connectTimeout) {
    this(origin, connectTimeout, null);
  }

  /** @param trust the CAs an https origin's certificate must chain to; null for the JDK's default ones */
  HttpPost(URI origin, Duration connectTimeout, javax.net.ssl.X509TrustManager trust) {
    String scheme = origin.getScheme() == null ? "" : origin.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("'" + origin + "' is not an http:// or https:// URL");
    }
    if (origin.getHost() == null) {
      throw new IllegalArgumentException("'" + origin + "' names no host");
    }
    this.tls = scheme.equals("https");
    this.host = origin.getHost();
    this.port = origin.getPort() > 0 ? origin.getPort() : tls ? 443 : 80;
    this.hostHeader = (host.contains(":") ? "[" + host + "]" : host)
        + (origin.getPort() > 0 ? ":" + origin.getPort() : "");
    this.connectTimeout = connectTimeout;
    this.sslSockets = trust == null ? (SSLSocketFactory) SSLSocketFactory.getDefault() : ClientTls.socketFactory(trust);
  }

  /**
   * Posts {@code parts} (their concatenation is the body) to {@code path} and reads the answer,
   * all within {@code timeout}. A kept-alive connection the server closed meanwhile is replaced
   * once, at once.
   *
   * @throws IOException if the server could not be reached or answered nothing usable in time
   */
  Response post(String path, String contentType, List<byte[]> parts, Duration timeout) throws IOException {
    boolean reused = socket != null;
    try {
      return exchange(path, contentType, parts, timeout);
    } catch (IOException e) {
      close();
      if (!reused || e instanceof Timeout) {
        throw e;
      }
      return exchange(path, contentType, parts, timeout); // the old connection had gone stale
    }
  }

  private Response exchange(String path, String contentType, List<byte[]> parts, Duration timeout)
      throws IOException {
    long length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    if (socket == null) {
      connect(timeout);
    }
    Socket current = socket;
    AtomicBoolean cut = new AtomicBoolean();
    ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
      cut.set(true);
      try {
        current.close();
      } catch (IOException ignored) {
        // closing is all it is for
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nContent-Type: " + contentType
          + "\r\nContent-Length: " + length + "\r\nUser-Agent: tributary\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      IOException writeFailure = null;
      try {
        out.write(head);
        for (byte[] p : parts) {
          out.write(p);
        }
        out.flush();
      } catch (IOException e) {
        // A server may answer (413, 503) and close before reading the whole body: its answer
        // is still worth reading.
        writeFailure = e;
      }
      try {
        setReadTimeout(deadline);
        return read();
      } catch (IOException e) {
        if (writeFailure != null) {
          e = writeFailure;
        }
        throw cut.get() || e instanceof SocketTimeoutException
            ? new Timeout("no answer within " + timeout.toMillis() + " ms") : e;
      }
    } finally {
      watchdog.cancel(false);
      if (cut.get()) {
        close();
      }
    }
  }

  private void setReadTimeout(long deadline) throws IOException {
    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
  }

  private void connect(Duration timeout) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), (int) Math.min(connectTimeout.toMillis(), timeout.toMillis()));
      if (tls) {
        SSLSocket ssl = (SSLSocket) sslSockets.createSocket(s, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.setSoTimeout((int) timeout.toMillis());
        ssl.startHandshake();
        s = ssl;
      }
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 8192);
      out = s.getOutputStream();
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Reads one response: status line, headers, body (Content-Length, chunked, or up to the close). */
  private Response read() throws IOException {
    int[] budget = {MAX_HEADER_BYTES};
    String statusLine = line(budget);
    while (statusLine.isEmpty()) {
      statusLine = line(budget); // tolerate a stray CRLF before the response
    }
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.x response: '" + printable(statusLine) + "'");
    }
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: '" + printable(statusLine) + "'");
    }
    boolean keepAlive = !statusLine.startsWith("HTTP/1.0");
    long contentLength = -1;
    boolean chunked = false;
    String retryAfter = null;
    for (String header = line(budget); !header.isEmpty(); header = line(budget)) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      switch (name) {
        case "content-length":
          try {
            contentLength = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length '" + printable(value) + "'");
          }
          break;
        case "transfer-encoding":
          chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
          break;
        case "connection":
          String v = value.toLowerCase(Locale.ROOT);
          keepAlive = v.contains("close") ? false : v.contains("keep-alive") || keepAlive;
          break;
        case "retry-after":
          retryAfter = value;
          break;
        default:
          break;
      }
    }
    if (status >= 100 && status < 200) {
      return read(); // an interim answer (100 Continue): the real one follows
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean complete;
    if (status == 204 || status == 304) {
      complete = true;
    } else if (chunked) {
      complete = chunks(body, budget);
    } else if (contentLength >= 0) {
      complete = copy(body, contentLength);
    } else {
      copy(body, Long.MAX_VALUE); // until the server closes
      complete = false;
    }
    if (!complete || !keepAlive) {
      close();
    }
    return new Response(status, retryAfter, body.toByteArray());
  }

  /** Reads a chunked body; false if it was too long to read to the end. */
  private boolean chunks(ByteArrayOutputStream body, int[] budget) throws IOException {
    long total = 0;
    while (true) {
      String sizeLine = line(budget);
      int semi = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size '" + printable(sizeLine) + "'");
      }
      if (size == 0) {
        while (!line(budget).isEmpty()) {
          // trailers: ignored
        }
        return true;
      }
      total += size;
      if (total > MAX_DRAIN || !copy(body, size)) {
        return false;
      }
      line(budget); // the CRLF after the chunk
    }
  }

  /** Reads {@code n} bytes, keeping up to {@link #MAX_BODY}; false if it stopped early. */
  private boolean copy(ByteArrayOutputStream body, long n) throws IOException {
    byte[] buffer = new byte[8192];
    long left = n;
    while (left > 0) {
      if (n != Long.MAX_VALUE && n - left > MAX_DRAIN) {
        return false;
      }
      int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (r < 0) {
        if (n == Long.MAX_VALUE) {
          return true;
        }
        throw new IOException("the response ended " + left + " bytes early");
      }
      if (body.size() < MAX_BODY) {
        body.write(buffer, 0, Math.min(r, MAX_BODY - body.size()));
      }
      left -= r;
    }
    return true;
  }

  /** One header line without its CRLF, within what is left of the header budget. */
  private String line(int[] budget) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException(sb.length() == 0 ? "the server closed the connection without an answer"
            : "the response ended inside its headers");
      }
      if (--budget[0] < 0) {
        throw new IOException("the response's headers are over " + MAX_HEADER_BYTES + " bytes");
      }
      if (c == '\n') {
        int end = sb.length();
        if (end > 0 && sb.charAt(end - 1) == '\r') {
          sb.setLength(end - 1);
        }
        return sb.toString();
      }
      sb.append((char) c);
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return cut.replaceAll("[^\\x20-\\x7e…]", "?");
  }

  /** The deadline passed: the write or the read was cut. */
  static final class Timeout extends IOException {
    Timeout(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
      socket = null;
      in = null;
      out = null;
    }
  }
}
