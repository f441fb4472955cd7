/**
 * The data plane: OTLP/HTTP requests in, enriched telemetry out (OTLP/HTTP, JSONL files, stdout),
 * with a queue bounded in items and dead letters on disk.
 *
 * <p>The server hands it a pipeline holder ({@link io.tributary.gateway.Gateway#start}); the
 * gateway never reads the catalog. {@link io.tributary.gateway.Gateway} holds and drains the
 * queue, {@link io.tributary.gateway.OtlpReceiver} listens for OTLP/HTTP, {@link
 * io.tributary.gateway.ExporterSpec} names where output goes, {@link io.tributary.gateway.OtlpJson}
 * reads and writes OTLP/JSON; everything else is package-private.
 */
module io.tributary.gateway {
  requires transitive io.tributary.runtime;
  requires io.javalin;
  // Javalin declares Jackson as "requires static"; the gateway reads and writes OTLP/JSON with it.
  requires transitive com.fasterxml.jackson.databind;
  // OTLP messages (automatic module of opentelemetry-proto) and protobuf-java 4.x (automatic
  // module com.google.protobuf); the OTLP exporter sends with the JDK's HTTP client.
  requires io.opentelemetry.proto;
  requires transitive com.google.protobuf;
  requires java.net.http;
  requires org.slf4j;
  // OTLP/gRPC: grpc-java (automatic modules) with its shaded Netty; zstd request bodies (airlift's
  // aircompressor, pure Java).
  requires io.grpc;
  requires io.grpc.stub;
  requires io.grpc.netty.shaded;
  requires aircompressor;

  exports io.tributary.gateway;
}
