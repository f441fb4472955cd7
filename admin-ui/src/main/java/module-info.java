/**
 * The Tributary server: command line, admin REST API and web UI; wires the catalog, the runtime and
 * the gateway (the data plane, module {@code io.tributary.gateway}) into one node.
 *
 * <p>Runs on the module path (see {@code distribution/src/bin/tributary}). The reflective
 * frameworks get exactly the packages they need: picocli reads the annotated command classes,
 * Jackson serialises the response records.
 */
module io.tributary.admin {
  requires java.net.http;
  requires io.tributary.runtime;
  requires io.tributary.catalog;
  requires micrometer.registry.prometheus;
  requires io.javalin;
  // Javalin declares Jackson as "requires static": without this line Jackson would not be
  // resolved on the module path and Javalin would have no JSON mapper.
  requires com.fasterxml.jackson.databind;
  requires io.tributary.gateway;
  requires info.picocli;
  requires org.slf4j;
  // sun.misc.Signal, to turn SIGTERM into a clean stop with exit status 0 (see Main).
  requires jdk.unsupported;

  exports io.tributary.server;
  exports io.tributary.server.config;
  exports io.tributary.server.http;

  opens io.tributary.server.cli to
      info.picocli;
  opens io.tributary.server.http to
      com.fasterxml.jackson.databind;
}
