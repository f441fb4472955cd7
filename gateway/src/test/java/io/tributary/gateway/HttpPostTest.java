package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exporter's HTTP/1.1 client against a downstream written here byte by byte, so that each
 * test can answer as real servers do: kept-alive connections, chunked bodies, connections closed
 * while idle, and a downstream that stops reading.
 */
class HttpPostTest {

  /** How the fake downstream answers a request. */
  private enum Mode { CONTENT_LENGTH, CHUNKED, CLOSE_AFTER_ANSWER, STALL }

  private ServerSocket server;
  private volatile Mode mode = Mode.CONTENT_LENGTH;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Integer> bodies = new CopyOnWriteArrayList<>();

  private void start() throws IOException {
    server = new ServerSocket(0);
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          connections.incrementAndGet();
          Thread t = new Thread(() -> serve(s));
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        long length = -1;
        String line = readLine(in);
        if (line == null) {
          return;
        }
        if (mode == Mode.STALL) {
          Thread.sleep(60_000); // reads nothing more, answers nothing
          return;
        }
        for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
          if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Long.parseLong(h.substring(15).trim());
          }
        }
        bodies.add((int) length);
        in.readNBytes((int) length);
        byte[] answer = "ok".getBytes(StandardCharsets.US_ASCII);
        switch (mode) {
          case CHUNKED:
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRetry-After: 3\r\n\r\n"
                + "1;ext=1\r\no\r\n1\r\nk\r\n0\r\nTrailer: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            break;
          case CLOSE_AFTER_ANSWER:
            // kept alive by the headers, then closed while idle, as servers do after a timeout
            out.write(("HTTP/1.1 503 Busy\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return;
          default:
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
        }
        out.flush();
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the test is over or the client went away
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return null;
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private HttpPost client() {
    return new HttpPost(URI.create("http://localhost:" + server.getLocalPort()), Duration.ofSeconds(5));
  }

  @Test
  void requests_share_one_kept_alive_connection_and_the_body_is_the_parts_one_after_the_other() throws Exception {
    start();
    try (HttpPost http = client()) {
      for (int i = 0; i < 5; i++) {
        HttpPost.Response r = http.post("/v1/traces", "application/x-protobuf",
            List.of(new byte[1000], new byte[24_000 + i]), Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
      }
    }
    assertThat(connections.get()).isEqualTo(1);
    assertThat(bodies).containsExactly(25_000, 25_001, 25_002, 25_003, 25_004);
  }

  @Test
  void a_chunked_answer_is_read_to_its_end_and_the_connection_stays_usable() throws Exception {
    start();
    mode = Mode.CHUNKED;
    try (HttpPost http = client()) {
      for (int i = 0; i < 3; i++) {
        HttpPost.Response r = http.post("/v1/logs", "application/x-protobuf", List.of(new byte[10]),
            Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.retryAfter()).isEqualTo("3");
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
      }
    }
    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void a_connection_the_server_closed_while_idle_is_replaced_without_failing_the_request() throws Exception {
    start();
    mode = Mode.CLOSE_AFTER_ANSWER;
    try (HttpPost http = client()) {
      for (int i = 0; i < 3; i++) {
        assertThat(http.post("/v1/traces", "application/x-protobuf", List.of(new byte[100]), Duration.ofSeconds(5))
            .status()).isEqualTo(503);
        Thread.sleep(50); // the server's close reaches the client's socket
      }
    }
    assertThat(connections.get()).isEqualTo(3);
    assertThat(bodies).containsExactly(100, 100, 100);
  }

  @Test
  void a_downstream_that_stops_reading_costs_the_request_timeout_not_a_hung_exporter() throws Exception {
    start();
    mode = Mode.STALL;
    try (HttpPost http = client()) {
      long start = System.nanoTime();
      // Far more than the socket buffers hold: the write itself blocks until the deadline cuts it.
      assertThatThrownBy(() -> http.post("/v1/traces", "application/x-protobuf", List.of(new byte[64 << 20]),
          Duration.ofSeconds(1))).isInstanceOf(HttpPost.Timeout.class).hasMessageContaining("1000 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void an_unreachable_downstream_or_a_bad_url_is_a_clear_error() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (HttpPost http = new HttpPost(URI.create("http://localhost:" + port), Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> http.post("/v1/traces", "application/x-protobuf", List.of(new byte[1]),
          Duration.ofSeconds(2))).isInstanceOf(java.net.ConnectException.class);
    }
    assertThatThrownBy(() -> new HttpPost(URI.create("ftp://example.com"), Duration.ofSeconds(1)))
        .hasMessageContaining("not an http:// or https:// URL");
  }
}
