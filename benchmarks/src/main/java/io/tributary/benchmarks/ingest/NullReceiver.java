package io.tributary.benchmarks.ingest;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor of OTLP/HTTP ingest on this stack: the same HTTP server as Tributary's receiver
 * (Javalin on Jetty, HTTP/1.1), which reads each body to its end and answers 200 with an empty
 * export response — no decoding, no pipeline, no export. {@link IngestLoad} runs it as a process of
 * its own, with the distribution's libraries on its class path and the launcher's heap, and
 * compares the gateway's throughput with its.
 *
 * <pre>java -Xmx512m -cp 'distribution/target/tributary/lib/*:benchmarks/target/benchmarks.jar' \
 *     io.tributary.benchmarks.ingest.NullReceiver PORT</pre>
 */
public final class NullReceiver {

  private final Javalin javalin;
  private final LongAdder bytes = new LongAdder();

  private NullReceiver(int port) {
    javalin = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.http.maxRequestSize = 16L << 20;
      for (String path : new String[] {"/v1/traces", "/v1/logs", "/v1/metrics"}) {
        cfg.routes.post(path, ctx -> {
          bytes.add(drain(ctx.req().getInputStream()));
          ctx.status(200).contentType("application/x-protobuf");
          ctx.res().setContentLength(0);
        });
      }
    });
    javalin.start(port);
  }

  /** Starts one on {@code port} (0 = any free port). */
  static NullReceiver start(int port) {
    return new NullReceiver(port);
  }

  int port() {
    return javalin.port();
  }

  /** Body bytes read so far. */
  long bytes() {
    return bytes.sum();
  }

  void stop() {
    javalin.stop();
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      total += n;
    }
    return total;
  }

  public static void main(String[] args) {
    NullReceiver receiver = start(Integer.parseInt(args[0]));
    System.out.println("null receiver listening on port " + receiver.port());
  }
}
