package io.tributary.plugins.semconvupgrade;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates the {@code semconv-upgrade} processor: renames deprecated attribute keys to current
 * OpenTelemetry semantic conventions.
 */
public final class SemconvUpgradeProcessorFactory implements ProcessorFactory {

  static final String SCOPE_ATTRIBUTES = "attributes";
  static final String SCOPE_RESOURCE = "resource";
  static final String SCHEMA_URL_FIELD = "field:schema_url";

  static final ConfigField<String> TARGET_VERSION = ConfigField.string("targetVersion")
      .withDefault(SemconvTable.newestVersion())
      .allowedValues(SemconvTable.versions().toArray(new String[0]))
      .doc("Semantic-conventions version to upgrade to: renames of this version and"
          + " earlier ones are applied, and schema_url names this version.");
  static final ConfigField<List<String>> SCOPES = ConfigField.stringList("scopes")
      .withDefault(List.of(SCOPE_ATTRIBUTES, SCOPE_RESOURCE))
      .allowedValues(SCOPE_ATTRIBUTES, SCOPE_RESOURCE)
      .doc("Which attributes to upgrade: attributes (the item's own), resource, or both.");
  static final ConfigField<Boolean> DROP_DEPRECATED = ConfigField.bool("dropDeprecated")
      .withDefault(true)
      .doc("When the new key is already present, remove the deprecated key (true) or"
          + " leave it (false).");

  private static final ProcessorDescriptor DESCRIPTOR = buildDescriptor();

  /** Creates the factory; cheap, as {@link java.util.ServiceLoader} requires. */
  public SemconvUpgradeProcessorFactory() {}

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    ProcessorConfig config = context.config();
    List<String> scopes = config.get(SCOPES);
    if (scopes.isEmpty()) {
      throw SCOPES.invalid(
          "the list is empty: list " + SCOPE_ATTRIBUTES + ", " + SCOPE_RESOURCE + " or both");
    }
    String version = config.get(TARGET_VERSION);
    return new SemconvUpgradeProcessor(
        SemconvTable.rulesUpTo(version),
        scopes.contains(SCOPE_ATTRIBUTES),
        scopes.contains(SCOPE_RESOURCE),
        config.get(DROP_DEPRECATED),
        version);
  }

  private static ProcessorDescriptor buildDescriptor() {
    // Declared from the table itself, so the declarations cannot drift from what the code does.
    Set<String> keys = new LinkedHashSet<>();
    keys.addAll(SemconvTable.deprecatedKeys());
    keys.addAll(SemconvTable.replacementKeys());
    Set<String> declared = new LinkedHashSet<>(keys);
    for (String key : keys) {
      declared.add("resource:" + key);
    }
    declared.add(SCHEMA_URL_FIELD);
    String[] all = declared.toArray(new String[0]);
    // It reads the deprecated keys; it looks at a replacement key only to leave one already there,
    // which is part of writing it, not a read another stage must come before.
    Set<String> read = new LinkedHashSet<>(SemconvTable.deprecatedKeys());
    for (String key : SemconvTable.deprecatedKeys()) {
      read.add("resource:" + key);
    }
    read.add(SCHEMA_URL_FIELD);
    String newest = SemconvTable.newestVersion();

    return ProcessorDescriptor.builder("semconv-upgrade", "1.0.1")
        .title("Semantic-conventions upgrade")
        .description(
            """
            Renames deprecated attribute keys to the current OpenTelemetry semantic conventions \
            (`http.method` → `http.request.method`, `net.peer.name` → `server.address`, \
            `db.statement` → `db.query.text`, `deployment.environment` → \
            `deployment.environment.name`, …), so dashboards and queries need to know one set of \
            names whatever SDK version produced the data. It works from a table kept in code, one \
            step per semantic-conventions version from 1.13.0 to %s, following the official \
            schema files; `targetVersion` says how far to go, and chains are followed \
            (`net.app.protocol.name` → `net.protocol.name` → `network.protocol.name`).

            Item attributes and resource attributes are upgraded (`scopes`). A value moves to its \
            new key unchanged, with these exceptions: `http.target` is split into `url.path` and \
            `url.query` (a target that is not a path, such as `*` or an absolute URL, stays under \
            `http.target`); `net.transport` values `ip_tcp`/`ip_udp` become `tcp`/`udp`; the \
            Kafka partition number becomes a string, as `messaging.destination.partition.id` is. \
            Types are not otherwise changed (a string `http.status_code` stays a string), values \
            are not rewritten (`db.system` values such as `mssql` are copied as they are), and \
            `url.full` keeps whatever `http.url` held, credentials included: redact after this \
            stage.

            Old `net.peer.*` and `net.host.*` keys both map to `server.*`: `net.host.*` was only \
            set on the server side, so when an item carries `net.host.name` or `net.host.port`, \
            it wins `server.address`/`server.port` and `net.peer.name`/`net.peer.port` (then the \
            client) go to `client.address`/`client.port`; otherwise `net.peer.*` is taken to be \
            the client side and becomes `server.*`.

            A newer key that is already present is never overwritten; the deprecated one is then \
            removed (`dropDeprecated: true`, default) or left. When two deprecated keys map to \
            one new key, the first in the item wins and the other is treated the same way. \
            Spans, logs and events get `schema_url` set to the target schema \
            (`https://opentelemetry.io/schemas/<targetVersion>`) unless they already name that \
            or a newer OpenTelemetry schema, or another publisher's; metric points keep theirs, \
            because metric names and metric-specific renames are not applied. Renames that \
            change a value's type or meaning (`code.function`, `enduser.role`) and template \
            attributes (`*.metadata.<key>`) are not applied."""
                .formatted(newest))
        .reads(read.toArray(new String[0]))
        .writes(all)
        .config(TARGET_VERSION, SCOPES, DROP_DEPRECATED)
        .stable()
        .example(
            "An HTTP client span from an old SDK",
            Map.of(),
            with(
                Item.span().name("GET").schemaUrl("https://opentelemetry.io/schemas/1.17.0"),
                "http.method", "GET",
                "http.url", "https://api.example.com/v1/orders?page=2",
                "http.status_code", 200L,
                "net.peer.name", "api.example.com",
                "net.peer.port", 443L,
                "net.sock.peer.addr", "192.0.2.10",
                "user_id", "u-1"),
            with(
                Item.span().name("GET").schemaUrl(SemconvTable.SCHEMA_URL_PREFIX + newest),
                "user_id", "u-1",
                "http.request.method", "GET",
                "url.full", "https://api.example.com/v1/orders?page=2",
                "http.response.status_code", 200L,
                "server.address", "api.example.com",
                "server.port", 443L,
                "network.peer.address", "192.0.2.10"))
        .example(
            "A server span: net.host.* is the server, net.peer.* the client, http.target split",
            Map.of(),
            with(
                Item.span().name("GET /cart"),
                "net.peer.name", "client.example.net",
                "net.host.name", "shop.example.com",
                "net.host.port", 8080L,
                "http.target", "/cart?id=42",
                "net.transport", "ip_tcp"),
            with(
                Item.span().name("GET /cart").schemaUrl(SemconvTable.SCHEMA_URL_PREFIX + newest),
                "client.address", "client.example.net",
                "server.address", "shop.example.com",
                "server.port", 8080L,
                "url.path", "/cart",
                "url.query", "id=42",
                "network.transport", "tcp"))
        .example(
            "A newer key already present wins; the deprecated one is kept when asked",
            Map.of(DROP_DEPRECATED.name(), false),
            with(
                Item.log().schemaUrl(SemconvTable.SCHEMA_URL_PREFIX + newest),
                "http.request.method", "POST",
                "http.method", "GET",
                "enduser.id", "u-7"),
            with(
                Item.log().schemaUrl(SemconvTable.SCHEMA_URL_PREFIX + newest),
                "http.request.method", "POST",
                "http.method", "GET",
                "user.id", "u-7"))
        .example(
            "Upgrading to 1.27.0 only: resource and item, db.system not yet renamed",
            Map.of(TARGET_VERSION.name(), "1.27.0"),
            resource(
                with(
                    Item.span().name("SELECT orders").schemaUrl("https://opentelemetry.io/schemas/1.24.0"),
                    "db.system", "postgresql",
                    "db.statement", "SELECT * FROM orders WHERE id = $1"),
                "deployment.environment", "prod"),
            resource(
                with(
                    Item.span().name("SELECT orders").schemaUrl("https://opentelemetry.io/schemas/1.27.0"),
                    "db.system", "postgresql",
                    "db.query.text", "SELECT * FROM orders WHERE id = $1"),
                "deployment.environment.name", "prod"))
        .build();
  }

  private static Item with(Item item, Object... keysAndValues) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      item.attributes().putValue((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return item;
  }

  private static Item resource(Item item, String key, String value) {
    item.resource().put(key, value);
    return item;
  }
}
