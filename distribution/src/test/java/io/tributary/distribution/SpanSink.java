package io.tributary.distribution;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A downstream for the ITs: an OTLP/HTTP {@code /v1/traces} endpoint that counts every span it
 * receives by name, or answers 503 while {@link #stalled}.
 */
final class SpanSink implements AutoCloseable {

  /** Span name to how many times it arrived. */
  final Map<String, Integer> delivered = new ConcurrentHashMap<>();
  final AtomicBoolean stalled = new AtomicBoolean();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);

  SpanSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/v1/traces", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readAllBytes();
        if (stalled.get()) {
          exchange.sendResponseHeaders(503, -1);
          return;
        }
        ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
            .forEach(ss -> ss.getSpansList().forEach(s -> delivered.merge(s.getName(), 1, Integer::sum))));
        exchange.sendResponseHeaders(200, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  /** The exporter setting that sends here. */
  String exporter() {
    return "otlp=http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
