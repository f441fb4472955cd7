package io.tributary.plugins.attributes;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorDescriptor.ConfigField;
import io.tributary.api.ProcessorDescriptor.Stability;
import io.tributary.api.ProcessorFactory;
import java.util.List;
import java.util.Map;

/**
 * The {@code attributes} processor: an ordered list of insert, update, upsert, rename, copy,
 * delete and hash actions on item or resource attributes, written as short text.
 */
public final class AttributesProcessorFactory implements ProcessorFactory {

  private static final String DESCRIPTION = String.join("\n",
      "Adds, changes, renames, copies, deletes and hashes attributes, as an ordered list of",
      "actions in `actions`. The processor to reach for first when a fixed tag must be set, a",
      "key renamed or a value dropped, without writing code.",
      "",
      "One action per list entry, applied in order to every item:",
      "",
      "| action | effect |",
      "|---|---|",
      "| `insert team=checkout` | set the key only if it is absent |",
      "| `update deployment.environment.name=prod` | set the key only if it is present |",
      "| `upsert tier=\"gold\"` | set the key always |",
      "| `rename http.method -> http.request.method` | move the value; the target is overwritten |",
      "| `copy user.id -> enduser.id` | copy the value; the target is overwritten |",
      "| `delete password` | remove the key |",
      "| `hash user.email` | replace the value by its hex HMAC-SHA256 under `hashKey` |",
      "",
      "Values are typed: `\"quoted\"` is always a string (with `\\\"` and `\\\\` escapes),",
      "`42` a long, `4.2` or `1e3` a double, `true`/`false` a boolean, any other bare word a",
      "string. Any action may end in a condition, which must hold for it to run:",
      "`if <key> exists`, `if <key> missing`, `if <key> == <value>`, `if <key> != <value>`",
      "(typed as above: `== 200` matches the long 200 or the double 200.0, not the string",
      "\"200\"; an absent key is never equal), `if <key> startswith <prefix>` (string values).",
      "",
      "Keys are item attributes unless the config `scope` is `resource`; a key prefixed",
      "`resource:` or `attributes:` picks its scope explicitly, so",
      "`copy resource:service.name -> service.name` copies across scopes.",
      "",
      "Every action is parsed when the stage is created; a mistake stops the pipeline from",
      "compiling with a message naming the action (`actions[2]: unknown action 'uspert'; did",
      "you mean 'upsert'?`). `hash` needs `hashKey`. Hashing turns numbers and booleans into",
      "the hash of their text and leaves byte and array values alone; bytes and arrays are",
      "otherwise copied and renamed like any value. The processor never touches trace context,",
      "the body or other fields, and never throws for the data it meets: an action whose key is",
      "absent does nothing.",
      "",
      "Because the keys come from the configuration, the descriptor declares `*` and",
      "`resource:*` as reads and writes: the pipeline compiler cannot see which keys one stage",
      "really touches, so expect its overlap warnings when other stages write the same scope.");

  private static final ProcessorDescriptor DESCRIPTOR = ProcessorDescriptor.builder("attributes", "1.0.0")
      .title("Attributes")
      .description(DESCRIPTION)
      .stability(Stability.STABLE)
      .reads("*", "resource:*")
      .writes("*", "resource:*")
      .config(
          ConfigField.stringList("actions")
              .required()
              .doc("The actions, applied in order: 'insert k=v', 'update k=v', 'upsert k=v', "
                  + "'rename a -> b', 'copy a -> b', 'delete k', 'hash k', each optionally "
                  + "followed by 'if <key> exists|missing|== v|!= v|startswith p'."),
          ConfigField.string("scope")
              .withDefault("attributes")
              .allowedValues("attributes", "resource")
              .doc("Where keys without a 'resource:' or 'attributes:' prefix live."),
          ConfigField.string("hashKey")
              .secret()
              .doc("The HMAC-SHA256 key of 'hash' actions; required if there is one."))
      .example(
          "Insert, update and upsert",
          Map.of("actions", List.of(
              "insert team=checkout",
              "insert deployment.environment.name=dev",
              "update deployment.environment.name=prod",
              "upsert tier=\"gold\"",
              "upsert retry.limit=3")),
          withAttributes(Item.span(), Map.of("deployment.environment.name", "staging", "tier", "silver")),
          withAttributes(Item.span(), Map.of(
              "deployment.environment.name", "prod",
              "tier", "gold",
              "team", "checkout",
              "retry.limit", 3L)))
      .example(
          "Rename to the current semantic conventions and drop a secret",
          Map.of("actions", List.of(
              "rename http.method -> http.request.method",
              "rename http.status_code -> http.response.status_code",
              "delete password")),
          withAttributes(Item.span(), Map.of(
              "http.method", "POST", "http.status_code", 201L, "password", "hunter2")),
          withAttributes(Item.span(), Map.of(
              "http.request.method", "POST", "http.response.status_code", 201L)))
      .example(
          "Conditions and scopes",
          Map.of("actions", List.of(
              "upsert support.tier=priority if customer.plan == \"enterprise\"",
              "upsert http.error=true if http.response.status_code == 500",
              "insert route.kind=api if url.path startswith /api/",
              "copy resource:service.name -> service.name")),
          withResource(withAttributes(Item.span(), Map.of(
              "customer.plan", "enterprise", "http.response.status_code", 404L, "url.path", "/api/cart")),
              Map.of("service.name", "checkout")),
          withResource(withAttributes(Item.span(), Map.of(
              "customer.plan", "enterprise", "http.response.status_code", 404L, "url.path", "/api/cart",
              "support.tier", "priority", "route.kind", "api", "service.name", "checkout")),
              Map.of("service.name", "checkout")))
      .example(
          "Hash an e-mail address, keep a copy of the user id",
          Map.of("actions", List.of("copy user.id -> enduser.id", "hash user.email"),
              "hashKey", "example-key"),
          withAttributes(Item.log(), Map.of("user.id", "u-1", "user.email", "alice@example.com")),
          withAttributes(Item.log(), Map.of("user.id", "u-1", "enduser.id", "u-1",
              "user.email", "8f7cba6b97581337a4eb3f0d7fbf963f7dfb45153dfe473108cc8c9e57ec9363")))
      .example(
          "Resource scope for the whole stage",
          Map.of("scope", "resource", "actions", List.of(
              "insert deployment.environment.name=prod", "delete attributes:debug")),
          withAttributes(withResource(Item.metricPoint(), Map.of("service.name", "cart")),
              Map.of("debug", true)),
          withResource(Item.metricPoint(), Map.of(
              "service.name", "cart", "deployment.environment.name", "prod")))
      .build();

  private static Item withAttributes(Item item, Map<String, Object> attributes) {
    attributes.forEach(item.attributes()::putValue);
    return item;
  }

  private static Item withResource(Item item, Map<String, Object> attributes) {
    attributes.forEach(item.resource()::putValue);
    return item;
  }

  @Override
  public ProcessorDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Processor create(ProcessorContext context) {
    ProcessorConfig c = context.config();
    List<String> texts = c.getStringList("actions");
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("config 'actions': at least one action is needed");
    }
    Action.Scope scope = "resource".equals(c.getString("scope")) ? Action.Scope.RESOURCE : Action.Scope.ATTRIBUTES;
    Action[] actions = new Action[texts.size()];
    int firstHash = -1;
    for (int i = 0; i < actions.length; i++) {
      actions[i] = ActionParser.parse(texts.get(i), i, scope);
      if (actions[i].verb == Action.Verb.HASH && firstHash < 0) {
        firstHash = i;
      }
    }
    Hmac hmac = null;
    if (firstHash >= 0) {
      String key = c.getString("hashKey");
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException(
            "config 'hashKey': a key is required because actions[" + firstHash + "] hashes");
      }
      hmac = new Hmac(key);
    }
    return new AttributesProcessor(actions, hmac);
  }
}
