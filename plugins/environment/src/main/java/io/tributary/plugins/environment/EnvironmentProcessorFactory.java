package io.tributary.plugins.environment;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Creates the {@code environment} processor: stamps environment, service and host identity. */
public final class EnvironmentProcessorFactory implements ProcessorFactory {

  static final String TARGET_RESOURCE = "resource";
  static final String TARGET_ATTRIBUTES = "attributes";

  /** The value OpenTelemetry SDKs put in {@code service.name} when none is configured. */
  static final String SDK_DEFAULT_SERVICE_NAME = "unknown_service";

  /** Neither empty nor only whitespace ({@link String#isBlank()}). */
  private static final String NOT_BLANK = "(?s).*\\P{javaWhitespace}.*";

  static final ConfigField<String> ENVIRONMENT = ConfigField.string("environment")
      .pattern(NOT_BLANK, "must not be blank")
      .doc(
          "Value of deployment.environment.name (for example prod, staging). Unset:"
              + " the name of the environment the pipeline runs in.");
  static final ConfigField<String> SERVICE_NAME = ConfigField.string("serviceName")
      .pattern(NOT_BLANK, "must not be blank")
      .doc(
          "Value of service.name. Unset: service.name is left as the telemetry"
              + " carries it.");
  static final ConfigField<String> SERVICE_VERSION = ConfigField.string("serviceVersion")
      .pattern(NOT_BLANK, "must not be blank")
      .doc("Value of service.version. Unset: not stamped.");
  static final ConfigField<String> SERVICE_NAMESPACE = ConfigField.string("serviceNamespace")
      .pattern(NOT_BLANK, "must not be blank")
      .doc("Value of service.namespace. Unset: not stamped.");
  static final ConfigField<String> HOST_NAME = ConfigField.string("hostName")
      .pattern(NOT_BLANK, "must not be blank")
      .doc("Value of host.name. Unset: not stamped.");
  static final ConfigField<String> CLOUD_REGION = ConfigField.string("cloudRegion")
      .pattern(NOT_BLANK, "must not be blank")
      .doc("Value of cloud.region (for example eu-west-1). Unset: not stamped.");
  static final ConfigField<Map<String, String>> TAGS = ConfigField.stringMap("tags")
      .withDefault(Map.of())
      .doc(
          "Static tags, attribute key to value (for example team: payments). Keys"
              + " must not be blank, nor, with tagsTarget resource, one of the keys"
              + " set by the fields above.");
  static final ConfigField<String> TAGS_TARGET = ConfigField.string("tagsTarget")
      .withDefault(TARGET_RESOURCE)
      .allowedValues(TARGET_RESOURCE, TARGET_ATTRIBUTES)
      .doc(
          "Where tags go: resource (resource attributes) or attributes (each item's"
              + " own attributes).");
  static final ConfigField<Boolean> OVERWRITE = ConfigField.bool("overwrite")
      .withDefault(false)
      .doc(
          "Replace values the telemetry already carries. When false, only missing or"
              + " empty values are set (and an SDK-default unknown_service name is"
              + " replaced by serviceName).");

  /** A config field and the resource attribute it sets. */
  private record ResourceField(ConfigField<String> field, String attribute) {}

  /** The resource attributes set from their own config fields, in stamping order. */
  private static final List<ResourceField> RESOURCE_FIELDS = List.of(
      new ResourceField(ENVIRONMENT, "deployment.environment.name"),
      new ResourceField(SERVICE_NAME, "service.name"),
      new ResourceField(SERVICE_VERSION, "service.version"),
      new ResourceField(SERVICE_NAMESPACE, "service.namespace"),
      new ResourceField(HOST_NAME, "host.name"),
      new ResourceField(CLOUD_REGION, "cloud.region"));

  private static final ProcessorDescriptor DESCRIPTOR =
      ProcessorDescriptor.builder("environment", "1.0.1")
          .title("Environment and service identity")
          .description(
              """
              Stamps every item with where it comes from: the deployment environment \
              (`deployment.environment.name`), the service (`service.name`, `service.version`, \
              `service.namespace`), the host (`host.name`) and the cloud region (`cloud.region`), \
              all as resource attributes, plus any static `tags` you list, as resource attributes \
              (default) or item attributes (`tagsTarget: attributes`).

              Use it once, early in each environment's pipeline, with that environment's values: \
              the configuration differs per environment, the processor does not. If \
              `environment` is not set, the name of the environment the pipeline runs in is used, \
              so the same stage config can be copied between environments unchanged.

              By default it only fills gaps: a value the telemetry already carries is kept \
              (`overwrite: false`); an empty string counts as a gap. One exception: a \
              `service.name` starting with `unknown_service` (what OpenTelemetry SDKs report when \
              the application did not name itself) is replaced by `serviceName` when that is \
              configured. Set `overwrite: true` to make the configured values win everywhere.

              It never removes attributes, never touches values it was not configured to set, and \
              never renames the deprecated `deployment.environment` key: run `semconv-upgrade` \
              before it if your telemetry still carries that key. Tag keys are chosen in config, \
              and the descriptor declares them as such (`{tags}`, `resource:{tags}`): each stage \
              declares exactly the keys it is configured to write.""")
          .reads(
              "resource:deployment.environment.name",
              "resource:service.name",
              "resource:service.version",
              "resource:service.namespace",
              "resource:host.name",
              "resource:cloud.region")
          .writes(
              "resource:deployment.environment.name",
              "resource:service.name",
              "resource:service.version",
              "resource:service.namespace",
              "resource:host.name",
              "resource:cloud.region",
              "resource:{tags}",
              "{tags}")
          .config(
              ENVIRONMENT,
              SERVICE_NAME,
              SERVICE_VERSION,
              SERVICE_NAMESPACE,
              HOST_NAME,
              CLOUD_REGION,
              TAGS,
              TAGS_TARGET,
              OVERWRITE)
          .stable()
          .example(
              "Stamps a span that carries no resource identity",
              Map.of(
                  ENVIRONMENT.name(), "prod",
                  SERVICE_NAME.name(), "checkout",
                  SERVICE_VERSION.name(), "1.4.2",
                  CLOUD_REGION.name(), "eu-west-1"),
              span(),
              resource(
                  span(),
                  "deployment.environment.name", "prod",
                  "service.name", "checkout",
                  "service.version", "1.4.2",
                  "cloud.region", "eu-west-1"))
          .example(
              "Keeps what the telemetry carries but replaces the SDK's unknown_service name",
              Map.of(
                  ENVIRONMENT.name(), "staging",
                  SERVICE_NAME.name(), "checkout",
                  SERVICE_VERSION.name(), "1.4.2"),
              resource(span(), "service.name", "unknown_service:java", "service.version", "1.5.0-rc1"),
              resource(
                  span(),
                  "service.name", "checkout",
                  "service.version", "1.5.0-rc1",
                  "deployment.environment.name", "staging"))
          .example(
              "Overwrite makes the configured values win",
              Map.of(ENVIRONMENT.name(), "prod", HOST_NAME.name(), "gw-eu-1", OVERWRITE.name(), true),
              resource(span(), "deployment.environment.name", "dev", "host.name", "laptop-42"),
              resource(span(), "deployment.environment.name", "prod", "host.name", "gw-eu-1"))
          .example(
              "Static tags as item attributes, existing ones kept",
              Map.of(
                  ENVIRONMENT.name(), "prod",
                  TAGS.name(), Map.of("team", "payments", "cost.center", "cc-42"),
                  TAGS_TARGET.name(), TARGET_ATTRIBUTES),
              attributes(Item.log().body("payment accepted"), "team", "fraud"),
              resource(
                  attributes(
                      Item.log().body("payment accepted"),
                      "team", "fraud",
                      "cost.center", "cc-42"),
                  "deployment.environment.name", "prod"))
          .build();

  /** Creates the factory; cheap, as {@link java.util.ServiceLoader} requires. */
  public EnvironmentProcessorFactory() {}

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    ProcessorConfig config = context.config();
    List<String> resourceKeys = new ArrayList<>();
    List<String> resourceValues = new ArrayList<>();
    int serviceNameIndex = -1;
    for (ResourceField rf : RESOURCE_FIELDS) {
      String value = config.get(rf.field()); // never blank: the schema's pattern
      if (value == null && rf.field() == ENVIRONMENT) {
        value = context.environment();
        if (value != null && value.isBlank()) {
          throw ENVIRONMENT.invalid("not set, and the pipeline's environment name is blank: give a value");
        }
      }
      if (value == null) {
        continue;
      }
      if (rf.field() == SERVICE_NAME) {
        serviceNameIndex = resourceKeys.size();
      }
      resourceKeys.add(rf.attribute());
      resourceValues.add(value);
    }

    boolean tagsOnResource = TARGET_RESOURCE.equals(config.get(TAGS_TARGET));
    List<String> attributeKeys = new ArrayList<>();
    List<String> attributeValues = new ArrayList<>();
    for (Map.Entry<String, String> tag : config.get(TAGS).entrySet()) {
      String key = tag.getKey();
      if (key.isBlank()) {
        throw TAGS.invalid("a tag key is blank");
      }
      if (tagsOnResource) {
        for (ResourceField rf : RESOURCE_FIELDS) {
          if (rf.attribute().equals(key)) {
            throw TAGS.invalid("tag '" + key + "' is a resource attribute this processor"
                + " sets from config '" + rf.field().name() + "': set it there instead");
          }
        }
        resourceKeys.add(key);
        resourceValues.add(tag.getValue());
      } else {
        attributeKeys.add(key);
        attributeValues.add(tag.getValue());
      }
    }
    return new EnvironmentProcessor(
        resourceKeys.toArray(new String[0]),
        resourceValues.toArray(new String[0]),
        serviceNameIndex,
        attributeKeys.toArray(new String[0]),
        attributeValues.toArray(new String[0]),
        config.get(OVERWRITE));
  }

  // ---------------------------------------------------------------- example helpers

  private static Item span() {
    return Item.span().name("GET /cart");
  }

  private static Item resource(Item item, String... keysAndValues) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      item.resource().put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return item;
  }

  private static Item attributes(Item item, String... keysAndValues) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      item.attributes().put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return item;
  }
}
