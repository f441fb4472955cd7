package io.tributary.plugins.semconvupgrade;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attribute renames of the OpenTelemetry semantic conventions, one step per version, oldest
 * first.
 *
 * <p>Each step lists the {@code rename_attributes} of that version's official schema file
 * (sections {@code all}, {@code spans}, {@code resources}, and {@code metrics} renames that apply
 * to every metric), with these deliberate differences:
 *
 * <ul>
 *   <li>Added where the schema files leave a rename out because it depends on the side of the
 *       connection or changes the value: {@code http.target} (split into {@code url.path} and
 *       {@code url.query}), {@code net.peer.name}/{@code net.peer.port} (to {@code server.*} on
 *       the client side, {@code client.*} on the server side), {@code net.transport} (values
 *       {@code ip_tcp}/{@code ip_udp} become {@code tcp}/{@code udp}), and {@code
 *       net.sock.peer.*}/{@code net.sock.host.*}, mapped in 1.23.0 straight to {@code
 *       network.peer.*}/{@code network.local.*} (their 1.21.0 targets, {@code *.socket.*}, were
 *       themselves replaced in 1.23.0).
 *   <li>Left out: renames that change a value's type or meaning ({@code code.function} → {@code
 *       code.function.name} now wants a fully qualified name; {@code enduser.role} → {@code
 *       user.roles} is an array), template attributes ({@code rpc.*.metadata.<key>}, {@code
 *       *.labels.<key>}), {@code net.sock.peer.name} (its target was removed), and renames scoped
 *       to particular metrics.
 * </ul>
 *
 * Immutable; the composed rule maps are built when a processor is created.
 */
final class SemconvTable {

  static final String SCHEMA_URL_PREFIX = "https://opentelemetry.io/schemas/";
  static final String NET_HOST_NAME = "net.host.name";
  static final String NET_HOST_PORT = "net.host.port";
  static final String URL_PATH = "url.path";
  static final String URL_QUERY = "url.query";

  /** How a value changes on its way to the new key. */
  enum Conversion {
    /** Copied as it is, whatever its type. */
    NONE,
    /** An origin-form request target split into {@code url.path} and {@code url.query}. */
    URL_TARGET,
    /** {@code ip_tcp}/{@code ip_udp} become {@code tcp}/{@code udp}; other values are kept. */
    NET_TRANSPORT,
    /** An integer becomes its decimal string (the new key is a string). */
    LONG_TO_STRING
  }

  /** One rename of one version step. {@code serverSideTo} is the target on server-side items. */
  record Rename(String from, String to, String serverSideTo, Conversion conversion) {}

  /** The renames introduced by one semantic-conventions version. */
  record Step(String version, List<Rename> renames) {}

  /**
   * What to do with one deprecated key for a given target version: the end of its rename chain.
   * {@code marksServerSide} is set for the keys only server-side telemetry carried.
   */
  record Rule(
      String from, String to, String serverSideTo, Conversion conversion, boolean marksServerSide) {}

  static final List<Step> STEPS = List.of(
      step("1.13.0",
          r("net.peer.ip", "net.sock.peer.addr"),
          r("net.host.ip", "net.sock.host.addr")),
      step("1.15.0",
          r("http.retry_count", "http.resend_count")),
      step("1.17.0",
          r("messaging.consumer_id", "messaging.consumer.id"),
          r("messaging.protocol", "net.app.protocol.name"),
          r("messaging.protocol_version", "net.app.protocol.version"),
          r("messaging.destination", "messaging.destination.name"),
          r("messaging.temp_destination", "messaging.destination.temporary"),
          r("messaging.destination_kind", "messaging.destination.kind"),
          r("messaging.message_id", "messaging.message.id"),
          r("messaging.conversation_id", "messaging.message.conversation_id"),
          r("messaging.message_payload_size_bytes", "messaging.message.payload_size_bytes"),
          r("messaging.message_payload_compressed_size_bytes",
              "messaging.message.payload_compressed_size_bytes"),
          r("messaging.rabbitmq.routing_key", "messaging.rabbitmq.destination.routing_key"),
          r("messaging.kafka.message_key", "messaging.kafka.message.key"),
          r("messaging.kafka.partition", "messaging.kafka.destination.partition"),
          r("messaging.kafka.tombstone", "messaging.kafka.message.tombstone"),
          r("messaging.rocketmq.message_type", "messaging.rocketmq.message.type"),
          r("messaging.rocketmq.message_tag", "messaging.rocketmq.message.tag"),
          r("messaging.rocketmq.message_keys", "messaging.rocketmq.message.keys"),
          r("messaging.kafka.consumer_group", "messaging.kafka.consumer.group")),
      step("1.19.0",
          r("faas.execution", "faas.invocation_id"),
          r("faas.id", "cloud.resource_id"),
          r("http.user_agent", "user_agent.original"),
          r("browser.user_agent", "user_agent.original")),
      step("1.20.0",
          r("net.app.protocol.name", "net.protocol.name"),
          r("net.app.protocol.version", "net.protocol.version")),
      step("1.21.0",
          r("http.method", "http.request.method"),
          r("http.status_code", "http.response.status_code"),
          r("http.scheme", "url.scheme"),
          r("http.url", "url.full"),
          new Rename("http.target", URL_PATH, null, Conversion.URL_TARGET),
          r("http.request_content_length", "http.request.body.size"),
          r("http.response_content_length", "http.response.body.size"),
          r("http.client_ip", "client.address"),
          r(NET_HOST_NAME, "server.address"),
          r(NET_HOST_PORT, "server.port"),
          new Rename("net.peer.name", "server.address", "client.address", Conversion.NONE),
          new Rename("net.peer.port", "server.port", "client.port", Conversion.NONE),
          new Rename("net.transport", "network.transport", null, Conversion.NET_TRANSPORT),
          r("net.protocol.name", "network.protocol.name"),
          r("net.protocol.version", "network.protocol.version"),
          r("net.host.connection.type", "network.connection.type"),
          r("net.host.connection.subtype", "network.connection.subtype"),
          r("net.host.carrier.name", "network.carrier.name"),
          r("net.host.carrier.mcc", "network.carrier.mcc"),
          r("net.host.carrier.mnc", "network.carrier.mnc"),
          r("net.host.carrier.icc", "network.carrier.icc"),
          r("messaging.kafka.client_id", "messaging.client_id"),
          r("messaging.rocketmq.client_id", "messaging.client_id")),
      step("1.22.0",
          r("messaging.message.payload_size_bytes", "messaging.message.body.size"),
          r("http.resend_count", "http.request.resend_count"),
          r("telemetry.auto.version", "telemetry.distro.version")),
      step("1.23.0",
          r("net.sock.peer.addr", "network.peer.address"),
          r("net.sock.peer.port", "network.peer.port"),
          r("net.sock.host.addr", "network.local.address"),
          r("net.sock.host.port", "network.local.port")),
      step("1.24.0",
          r("system.network.io.direction", "network.io.direction"),
          r("system.disk.io.direction", "disk.io.direction")),
      step("1.25.0",
          r("db.name", "db.namespace"),
          r("db.sql.table", "db.collection.name"),
          r("db.mongodb.collection", "db.collection.name"),
          r("db.cosmosdb.container", "db.collection.name"),
          r("db.cassandra.table", "db.collection.name"),
          new Rename("messaging.kafka.destination.partition", "messaging.destination.partition.id",
              null, Conversion.LONG_TO_STRING),
          r("db.operation", "db.operation.name"),
          r("messaging.operation", "messaging.operation.type"),
          r("db.statement", "db.query.text"),
          r("message.type", "rpc.message.type"),
          r("message.id", "rpc.message.id"),
          r("message.compressed_size", "rpc.message.compressed_size"),
          r("message.uncompressed_size", "rpc.message.uncompressed_size")),
      step("1.26.0",
          r("messaging.client_id", "messaging.client.id"),
          r("enduser.id", "user.id")),
      step("1.27.0",
          r("tls.client.server_name", "server.address"),
          r("deployment.environment", "deployment.environment.name"),
          r("messaging.kafka.message.offset", "messaging.kafka.offset"),
          r("messaging.kafka.consumer.group", "messaging.consumer.group.name"),
          r("messaging.rocketmq.client_group", "messaging.consumer.group.name"),
          r("messaging.eventhubs.consumer.group", "messaging.consumer.group.name"),
          r("messaging.servicebus.destination.subscription_name",
              "messaging.destination.subscription.name"),
          r("gen_ai.usage.completion_tokens", "gen_ai.usage.output_tokens"),
          r("gen_ai.usage.prompt_tokens", "gen_ai.usage.input_tokens"),
          r("db.elasticsearch.cluster.name", "db.namespace")),
      step("1.29.0",
          r("process.executable.build_id.profiling", "process.executable.build_id.htlhash"),
          r("vcs.repository.change.id", "vcs.change.id"),
          r("vcs.repository.change.title", "vcs.change.title"),
          r("vcs.repository.ref.name", "vcs.ref.head.name"),
          r("vcs.repository.ref.revision", "vcs.ref.head.revision"),
          r("vcs.repository.ref.type", "vcs.ref.head.type")),
      step("1.30.0",
          r("gen_ai.openai.request.seed", "gen_ai.request.seed"),
          r("system.network.state", "network.connection.state"),
          r("code.filepath", "code.file.path"),
          r("code.lineno", "code.line.number"),
          r("code.column", "code.column.number"),
          r("db.system", "db.system.name"),
          r("db.cassandra.coordinator.dc", "cassandra.coordinator.dc"),
          r("db.cassandra.coordinator.id", "cassandra.coordinator.id"),
          r("db.cassandra.consistency_level", "cassandra.consistency.level"),
          r("db.cassandra.idempotence", "cassandra.query.idempotent"),
          r("db.cassandra.page_size", "cassandra.page.size"),
          r("db.cassandra.speculative_execution_count", "cassandra.speculative_execution.count"),
          r("db.cosmosdb.client_id", "azure.client.id"),
          r("db.cosmosdb.connection_mode", "azure.cosmosdb.connection.mode"),
          r("db.cosmosdb.consistency_level", "azure.cosmosdb.consistency.level"),
          r("db.cosmosdb.request_charge", "azure.cosmosdb.operation.request_charge"),
          r("db.cosmosdb.request_content_length", "azure.cosmosdb.request.body.size"),
          r("db.cosmosdb.regions_contacted", "azure.cosmosdb.operation.contacted_regions"),
          r("db.cosmosdb.sub_status_code", "azure.cosmosdb.response.sub_status_code"),
          r("db.elasticsearch.node.name", "elasticsearch.node.name")),
      step("1.31.0",
          r("android.state", "android.app.state"),
          r("io.state", "ios.app.state"),
          r("system.cpu.logical_number", "cpu.logical_number")),
      step("1.32.0",
          r("feature_flag.evaluation.reason", "feature_flag.result.reason"),
          r("feature_flag.variant", "feature_flag.result.variant")),
      step("1.33.0",
          r("feature_flag.provider_name", "feature_flag.provider.name"),
          r("feature_flag.evaluation.error.message", "error.message")),
      step("1.35.0",
          r("az.namespace", "azure.resource_provider.namespace"),
          r("az.service_request_id", "azure.service.request.id")),
      step("1.37.0",
          r("android.state", "android.app.state"),
          r("container.runtime", "container.runtime.name"),
          r("gen_ai.openai.request.service_tier", "openai.request.service_tier"),
          r("gen_ai.openai.response.service_tier", "openai.response.service_tier"),
          r("gen_ai.openai.response.system_fingerprint", "openai.response.system_fingerprint"),
          r("gen_ai.system", "gen_ai.provider.name"),
          r("ios.state", "ios.app.state")),
      step("1.38.0",
          r("process.context_switch_type", "process.context_switch.type"),
          r("process.paging.fault_type", "system.paging.fault.type"),
          r("system.cpu.logical_number", "cpu.logical_number"),
          r("system.paging.type", "system.paging.fault.type"),
          r("system.process.status", "process.state"),
          r("system.processes.status", "process.state")),
      step("1.39.0",
          r("linux.memory.slab.state", "system.memory.linux.slab.state"),
          r("peer.service", "service.peer.name"),
          r("rpc.connect_rpc.error_code", "rpc.response.status_code"),
          r("rpc.jsonrpc.request_id", "jsonrpc.request.id"),
          r("rpc.jsonrpc.version", "jsonrpc.protocol.version"),
          r("rpc.system", "rpc.system.name")),
      step("1.40.0",
          r("feature_flag.evaluation.error.message", "feature_flag.error.message")));

  private SemconvTable() {}

  private static Step step(String version, Rename... renames) {
    return new Step(version, List.of(renames));
  }

  private static Rename r(String from, String to) {
    return new Rename(from, to, null, Conversion.NONE);
  }

  /** Every version that has a step, oldest first. */
  static List<String> versions() {
    List<String> versions = new ArrayList<>();
    for (Step step : STEPS) {
      versions.add(step.version());
    }
    return versions;
  }

  static String newestVersion() {
    return STEPS.get(STEPS.size() - 1).version();
  }

  /**
   * Composes the steps up to and including {@code version} into one rule per deprecated key, each
   * pointing at the end of its rename chain (so {@code net.app.protocol.name} goes straight to
   * {@code network.protocol.name} for 1.21.0 and later). A later step that renames the same key
   * again wins.
   *
   * @throws IllegalArgumentException if {@code version} has no step
   */
  static Map<String, Rule> rulesUpTo(String version) {
    if (!versions().contains(version)) {
      throw new IllegalArgumentException("no semantic-conventions step for version " + version);
    }
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (Step step : STEPS) {
      for (Rename rename : step.renames()) {
        for (Map.Entry<String, Rule> entry : rules.entrySet()) {
          Rule rule = entry.getValue();
          if (rule.to().equals(rename.from())) {
            entry.setValue(new Rule(
                rule.from(),
                rename.to(),
                rename.serverSideTo() != null ? rename.serverSideTo() : rule.serverSideTo(),
                rename.conversion() != Conversion.NONE ? rename.conversion() : rule.conversion(),
                rule.marksServerSide()));
          }
        }
        rules.put(rename.from(), new Rule(
            rename.from(),
            rename.to(),
            rename.serverSideTo(),
            rename.conversion(),
            rename.from().equals(NET_HOST_NAME) || rename.from().equals(NET_HOST_PORT)));
      }
      if (step.version().equals(version)) {
        break;
      }
    }
    return Collections.unmodifiableMap(new HashMap<>(rules));
  }

  /** Every deprecated key of any step, in table order. */
  static Set<String> deprecatedKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (Step step : STEPS) {
      for (Rename rename : step.renames()) {
        keys.add(rename.from());
      }
    }
    return keys;
  }

  /** Every key a rename of any step can write, in table order. */
  static Set<String> replacementKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (Step step : STEPS) {
      for (Rename rename : step.renames()) {
        keys.add(rename.to());
        if (rename.serverSideTo() != null) {
          keys.add(rename.serverSideTo());
        }
        if (rename.conversion() == Conversion.URL_TARGET) {
          keys.add(URL_QUERY);
        }
      }
    }
    return keys;
  }
}
