package io.tributary.plugins.attributes;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code attributes} processor: an ordered list of insert, update, upsert, rename, copy,
 * delete and hash rules on item or resource attributes, written as objects ({@code rules}) or, in
 * the deprecated text form, as short lines ({@code actions}).
 */
public final class AttributesProcessorFactory implements ProcessorFactory {

  private static final String DESCRIPTION = String.join("\n",
      "Adds, changes, renames, copies, deletes and hashes attributes, as an ordered list of",
      "rules in `rules`. The processor to reach for first when a fixed tag must be set, a key",
      "renamed or a value dropped, without writing code.",
      "",
      "Each rule is an object, applied in order to every item:",
      "",
      "| field | type | meaning |",
      "|---|---|---|",
      "| `action` | string, required | what to do: see the next table |",
      "| `key` | string, required | the key acted on; for `rename` and `copy`, the target |",
      "| `from` | string | for `rename` and `copy` (required there, refused elsewhere): the source key |",
      "| `value` | string, number or boolean | for `insert`, `update` and `upsert` (required there, refused elsewhere): the value, typed as written |",
      "| `ifKey` | string | a condition: the key it tests; the rule runs only if the condition holds |",
      "| `ifOp` | string | with `ifKey`: `exists`, `missing`, `equals`, `not-equals` or `starts-with` |",
      "| `ifValue` | string, number or boolean | for `equals` and `not-equals`: the value compared; for `starts-with`: the prefix (a string) |",
      "",
      "| action | effect |",
      "|---|---|",
      "| `insert` | set `key` to `value` only if it is absent |",
      "| `update` | set `key` to `value` only if it is present |",
      "| `upsert` | set `key` to `value` always |",
      "| `rename` | move the value of `from` to `key`; the target is overwritten |",
      "| `copy` | copy the value of `from` to `key`; the target is overwritten |",
      "| `delete` | remove `key` |",
      "| `hash` | replace the value of `key` by its hex HMAC-SHA256 under `hashKey` |",
      "",
      "For example `{\"action\": \"rename\", \"from\": \"http.method\", \"key\": \"http.request.method\"}`",
      "or `{\"action\": \"upsert\", \"key\": \"support.tier\", \"value\": \"priority\",",
      "\"ifKey\": \"customer.plan\", \"ifOp\": \"equals\", \"ifValue\": \"enterprise\"}`.",
      "",
      "Values keep their JSON type: `3` is a long, `2.5` a double, `true` a boolean, `\"3\"` a",
      "string. `equals` compares type and value: `200` matches the long 200 or the double 200.0,",
      "not the string \"200\"; an absent key is never equal (so `not-equals` holds for it);",
      "`starts-with` applies to string values.",
      "",
      "Keys are item attributes unless the config `scope` is `resource`; a key prefixed",
      "`resource:` or `attributes:` (in `key`, `from` or `ifKey`) picks its scope explicitly, so",
      "`copy` from `resource:service.name` to `service.name` copies across scopes.",
      "",
      "Every rule is checked when the stage is created; a mistake stops the pipeline from",
      "compiling with a message naming the rule and field (`config 'rules[2].from': rename",
      "needs 'from', …`). `hash` needs `hashKey`. Hashing turns numbers and booleans into the hash of",
      "their text and leaves byte and array values alone; bytes and arrays are otherwise copied",
      "and renamed like any value. The processor never touches trace context, the body or",
      "other fields, and never throws for the data it meets: a rule whose key is absent does",
      "nothing.",
      "",
      "**Deprecated:** `actions`, the text form of version 1.0, is still read (a pipeline using",
      "it compiles with a warning). Give `rules` or `actions`, not both. One line per rule:",
      "`insert team=checkout`, `update k=v`, `upsert tier=\"gold\"`,",
      "`rename http.method -> http.request.method`, `copy user.id -> enduser.id`,",
      "`delete password`, `hash user.email`, each optionally followed by",
      "`if <key> exists | missing | == <value> | != <value> | startswith <prefix>`. A value is",
      "`\"quoted\"` (a string, with `\\\"` and `\\\\` escapes), `42` (a long), `4.2` or `1e3` (a",
      "double), `true`/`false` (a boolean) or any other bare word (a string). Each line means",
      "the same as the rule with those parts: `rename a -> b` is `from` a, `key` b; `==` is",
      "`equals`, `!=` `not-equals`, `startswith` `starts-with` (whose prefix is always text).",
      "",
      "Because the keys come from the configuration, the descriptor declares `*` and",
      "`resource:*` as reads and writes: the pipeline compiler cannot see which keys one stage",
      "really touches, so expect its overlap warnings when other stages write the same scope.");

  /** A key as written in a rule: not empty, also after a {@code resource:} or {@code attributes:} prefix. */
  private static final String KEY_PATTERN = "(?!(?:resource|attributes):$).+";

  static final ConfigField<String> ACTION = ConfigField.string("action")
      .required()
      .allowedValues("insert", "update", "upsert", "rename", "copy", "delete", "hash")
      .doc("What the rule does: insert (set if absent), update (set if present), upsert (set),"
          + " rename or copy (from 'from' to 'key'), delete, hash (HMAC-SHA256 under hashKey).");
  static final ConfigField<String> KEY = ConfigField.string("key")
      .required()
      .pattern(KEY_PATTERN, "must name a key, not only a resource: or attributes: prefix")
      .doc("The key acted on; for rename and copy, the target. 'resource:' or 'attributes:'"
          + " prefix to pick the scope.");
  static final ConfigField<String> FROM = ConfigField.string("from")
      .pattern(KEY_PATTERN, "must name a key, not only a resource: or attributes: prefix")
      .doc("For rename and copy: the source key. 'resource:' or 'attributes:' prefix to pick"
          + " the scope.");
  static final ConfigField<Object> VALUE = ConfigField.scalar("value")
      .doc("For insert, update and upsert: the value to set, typed as written (3 is a long,"
          + " \"3\" a string).");
  static final ConfigField<String> IF_KEY = ConfigField.string("ifKey")
      .pattern(KEY_PATTERN, "must name a key, not only a resource: or attributes: prefix")
      .doc("A condition: the key it tests (with ifOp); the rule runs only if it holds.");
  static final ConfigField<String> IF_OP = ConfigField.string("ifOp")
      .allowedValues("exists", "missing", "equals", "not-equals", "starts-with")
      .doc("How the condition tests ifKey: exists, missing, equals, not-equals (with ifValue),"
          + " starts-with (with a string ifValue).");
  static final ConfigField<Object> IF_VALUE = ConfigField.scalar("ifValue")
      .doc("For equals and not-equals: the value compared, typed as written (200 matches"
          + " 200 and 200.0, not \"200\"); for starts-with: the prefix.");

  static final ConfigField<List<ProcessorConfig>> RULES =
      ConfigField.objects("rules", ACTION, KEY, FROM, VALUE, IF_KEY, IF_OP, IF_VALUE)
          .doc("The rules, applied in order; each is {action, key, from?, value?, ifKey?, ifOp?,"
              + " ifValue?}. Give this or the deprecated 'actions'.");
  static final ConfigField<List<String>> ACTIONS = ConfigField.stringList("actions")
      .deprecated("write the actions as 'rules' objects; see the processor's documentation")
      .doc("Deprecated text form of 'rules': 'insert k=v', 'update k=v', 'upsert k=v',"
          + " 'rename a -> b', 'copy a -> b', 'delete k', 'hash k', each optionally followed by"
          + " 'if <key> exists|missing|== v|!= v|startswith p'.");
  static final ConfigField<String> SCOPE = ConfigField.string("scope")
      .withDefault("attributes")
      .allowedValues("attributes", "resource")
      .doc("Where keys without a 'resource:' or 'attributes:' prefix live.");
  static final ConfigField<String> HASH_KEY = ConfigField.string("hashKey")
      .secret()
      .doc("The HMAC-SHA256 key of 'hash' rules; required if there is one.");

  private static final ProcessorDescriptor DESCRIPTOR = ProcessorDescriptor.builder("attributes", "1.1.0")
      .title("Attributes")
      .description(DESCRIPTION)
      .stable()
      .reads("*", "resource:*")
      .writes("*", "resource:*")
      .config(RULES, ACTIONS, SCOPE, HASH_KEY)
      .example(
          "Insert, update and upsert",
          config(RULES, List.of(
              rule("insert", "team", VALUE, "checkout"),
              rule("insert", "deployment.environment.name", VALUE, "dev"),
              rule("update", "deployment.environment.name", VALUE, "prod"),
              rule("upsert", "tier", VALUE, "gold"),
              rule("upsert", "retry.limit", VALUE, 3))),
          withAttributes(Item.span(), Map.of("deployment.environment.name", "staging", "tier", "silver")),
          withAttributes(Item.span(), Map.of(
              "deployment.environment.name", "prod",
              "tier", "gold",
              "team", "checkout",
              "retry.limit", 3L)))
      .example(
          "Rename to the current semantic conventions and drop a secret",
          config(RULES, List.of(
              rule("rename", "http.request.method", FROM, "http.method"),
              rule("rename", "http.response.status_code", FROM, "http.status_code"),
              rule("delete", "password"))),
          withAttributes(Item.span(), Map.of(
              "http.method", "POST", "http.status_code", 201L, "password", "hunter2")),
          withAttributes(Item.span(), Map.of(
              "http.request.method", "POST", "http.response.status_code", 201L)))
      .example(
          "Conditions and scopes",
          config(RULES, List.of(
              rule("upsert", "support.tier", VALUE, "priority",
                  IF_KEY, "customer.plan", IF_OP, "equals", IF_VALUE, "enterprise"),
              rule("upsert", "http.error", VALUE, true,
                  IF_KEY, "http.response.status_code", IF_OP, "equals", IF_VALUE, 500),
              rule("insert", "route.kind", VALUE, "api",
                  IF_KEY, "url.path", IF_OP, "starts-with", IF_VALUE, "/api/"),
              rule("copy", "service.name", FROM, "resource:service.name"))),
          withResource(withAttributes(Item.span(), Map.of(
              "customer.plan", "enterprise", "http.response.status_code", 404L, "url.path", "/api/cart")),
              Map.of("service.name", "checkout")),
          withResource(withAttributes(Item.span(), Map.of(
              "customer.plan", "enterprise", "http.response.status_code", 404L, "url.path", "/api/cart",
              "support.tier", "priority", "route.kind", "api", "service.name", "checkout")),
              Map.of("service.name", "checkout")))
      .example(
          "Hash an e-mail address, keep a copy of the user id",
          config(RULES, List.of(
                  rule("copy", "enduser.id", FROM, "user.id"),
                  rule("hash", "user.email")),
              HASH_KEY, "example-key"),
          withAttributes(Item.log(), Map.of("user.id", "u-1", "user.email", "alice@example.com")),
          withAttributes(Item.log(), Map.of("user.id", "u-1", "enduser.id", "u-1",
              "user.email", "8f7cba6b97581337a4eb3f0d7fbf963f7dfb45153dfe473108cc8c9e57ec9363")))
      .example(
          "Resource scope for the whole stage",
          config(SCOPE, "resource", RULES, List.of(
              rule("insert", "deployment.environment.name", VALUE, "prod"),
              rule("delete", "attributes:debug"))),
          withAttributes(withResource(Item.metricPoint(), Map.of("service.name", "cart")),
              Map.of("debug", true)),
          withResource(Item.metricPoint(), Map.of(
              "service.name", "cart", "deployment.environment.name", "prod")))
      .example(
          "The deprecated text form, as saved pipelines of version 1.0 have it (compiles with a warning)",
          config(ACTIONS, List.of(
              "rename http.method -> http.request.method",
              "upsert support.tier=priority if customer.plan == \"enterprise\"",
              "delete password")),
          withAttributes(Item.span(), Map.of(
              "http.method", "GET", "customer.plan", "enterprise", "password", "hunter2")),
          withAttributes(Item.span(), Map.of(
              "http.request.method", "GET", "customer.plan", "enterprise", "support.tier", "priority")))
      .build();

  /** Raw configuration, as an operator writes it in JSON: field, value, field, value, … in order. */
  private static Map<String, Object> config(Object... fieldsAndValues) {
    Map<String, Object> config = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      config.put(((ConfigField<?>) fieldsAndValues[i]).name(), fieldsAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(config);
  }

  /** One raw rule object: {@code action}, {@code key}, then field, value, … in order. */
  private static Map<String, Object> rule(String action, String key, Object... fieldsAndValues) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put(ACTION.name(), action);
    rule.put(KEY.name(), key);
    rule.putAll(config(fieldsAndValues));
    return Collections.unmodifiableMap(rule);
  }

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
    boolean structured = c.isSet(RULES);
    if (structured == c.isSet(ACTIONS)) {
      throw RULES.invalid(structured
          ? "give the rules once: as 'rules' or in the deprecated text form 'actions', not both"
          : "no rules given: give 'rules' (or, in the deprecated text form, 'actions')");
    }
    Action.Scope scope = "resource".equals(c.get(SCOPE)) ? Action.Scope.RESOURCE : Action.Scope.ATTRIBUTES;
    Action[] actions;
    if (structured) {
      List<ProcessorConfig> rules = c.get(RULES);
      if (rules.isEmpty()) {
        throw RULES.invalid("at least one rule is needed");
      }
      actions = new Action[rules.size()];
      for (int i = 0; i < actions.length; i++) {
        actions[i] = RuleReader.read(rules.get(i), i, scope);
      }
    } else {
      List<String> texts = c.get(ACTIONS);
      if (texts.isEmpty()) {
        throw ACTIONS.invalid("at least one action is needed");
      }
      actions = new Action[texts.size()];
      for (int i = 0; i < actions.length; i++) {
        actions[i] = ActionParser.parse(texts.get(i), i, scope);
      }
    }
    int firstHash = -1;
    for (int i = 0; i < actions.length && firstHash < 0; i++) {
      if (actions[i].verb == Action.Verb.HASH) {
        firstHash = i;
      }
    }
    Hmac hmac = null;
    if (firstHash >= 0) {
      String key = c.get(HASH_KEY);
      if (key == null || key.isEmpty()) {
        throw HASH_KEY.invalid("a key is required because "
            + (structured ? RULES : ACTIONS).name() + "[" + firstHash + "] hashes");
      }
      hmac = new Hmac(key);
    }
    return new AttributesProcessor(actions, hmac);
  }
}
