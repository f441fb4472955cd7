package io.tributary.plugins.attributes;

import static io.tributary.plugins.attributes.AttributesProcessorFactory.ACTION;
import static io.tributary.plugins.attributes.AttributesProcessorFactory.FROM;
import static io.tributary.plugins.attributes.AttributesProcessorFactory.IF_KEY;
import static io.tributary.plugins.attributes.AttributesProcessorFactory.IF_OP;
import static io.tributary.plugins.attributes.AttributesProcessorFactory.IF_VALUE;
import static io.tributary.plugins.attributes.AttributesProcessorFactory.KEY;
import static io.tributary.plugins.attributes.AttributesProcessorFactory.RULES;
import static io.tributary.plugins.attributes.AttributesProcessorFactory.VALUE;

import io.tributary.api.ConfigField;
import io.tributary.api.ProcessorConfig;
import io.tributary.plugins.attributes.Action.Condition;
import io.tributary.plugins.attributes.Action.Ref;
import io.tributary.plugins.attributes.Action.Scope;
import io.tributary.plugins.attributes.Action.Verb;
import java.util.Locale;

/**
 * Turns one object of the {@code rules} list into the {@link Action} the equivalent line of the
 * deprecated text form ({@link ActionParser}) gives. The schema has already checked the fields'
 * types, allowed values and that keys are not empty; this checks how they combine. Problems throw
 * {@link IllegalArgumentException} naming the element and field: {@code config 'rules[2].from':
 * rename needs 'from' …}.
 */
final class RuleReader {

  private RuleReader() {}

  static Action read(ProcessorConfig rule, int index, Scope defaultScope) {
    String at = RULES.name() + "[" + index + "]";
    Verb verb = Verb.valueOf(rule.get(ACTION).toUpperCase(Locale.ROOT));
    String word = verb.word();
    Ref key = ref(rule, KEY, at, defaultScope);
    Object value = rule.get(VALUE);
    boolean hasFrom = rule.get(FROM) != null;
    Ref ref;
    Ref to = null;
    Literal literal = null;
    switch (verb) {
      case INSERT:
      case UPDATE:
      case UPSERT:
        if (value == null) {
          throw problem(at, VALUE, word + " needs 'value', the value to set");
        }
        if (hasFrom) {
          throw problem(at, FROM, word + " takes no 'from' (only rename and copy do)");
        }
        ref = key;
        literal = Literal.of(value);
        break;
      case RENAME:
      case COPY:
        if (!hasFrom) {
          throw problem(at, FROM, word + " needs 'from', the key to " + (verb == Verb.RENAME ? "move" : "copy")
              + " ('key' is the target)");
        }
        if (value != null) {
          throw problem(at, VALUE, word + " takes no 'value' (the value is that of 'from')");
        }
        ref = ref(rule, FROM, at, defaultScope);
        to = key;
        if (to.equals(ref)) {
          throw problem(at, FROM, word + " from '" + ref + "' to itself does nothing");
        }
        break;
      default: // delete, hash
        if (hasFrom) {
          throw problem(at, FROM, word + " takes no 'from' (only rename and copy do)");
        }
        if (value != null) {
          throw problem(at, VALUE, word + " takes no 'value' (only insert, update and upsert do)");
        }
        ref = key;
    }
    return new Action(verb, ref, to, literal, condition(rule, at, defaultScope));
  }

  private static Condition condition(ProcessorConfig rule, String at, Scope defaultScope) {
    String op = rule.get(IF_OP);
    Object value = rule.get(IF_VALUE);
    if (rule.get(IF_KEY) == null) {
      if (op != null) {
        throw problem(at, IF_KEY, "'ifOp' needs 'ifKey', the key the condition tests");
      }
      if (value != null) {
        throw problem(at, IF_VALUE, "'ifValue' needs a condition: 'ifKey' and 'ifOp'");
      }
      return null;
    }
    Ref ref = ref(rule, IF_KEY, at, defaultScope);
    if (op == null) {
      throw problem(at, IF_OP, "the condition on '" + ref + "' needs 'ifOp' (one of "
          + String.join(", ", IF_OP.allowedValues()) + ")");
    }
    switch (op) {
      case "exists":
      case "missing":
        if (value != null) {
          throw problem(at, IF_VALUE, "'" + op + "' takes no 'ifValue'");
        }
        return new Condition(ref, op.equals("exists") ? Condition.Op.EXISTS : Condition.Op.MISSING, null);
      case "equals":
      case "not-equals":
        if (value == null) {
          throw problem(at, IF_VALUE, "'" + op + "' needs 'ifValue', the value to compare with");
        }
        return new Condition(ref, op.equals("equals") ? Condition.Op.EQUALS : Condition.Op.NOT_EQUALS,
            Literal.of(value));
      default: // starts-with
        if (!(value instanceof String)) {
          throw problem(at, IF_VALUE, value == null ? "'starts-with' needs 'ifValue', the prefix"
              : "'starts-with' needs a string prefix, not " + value + " (write \"" + value + "\")");
        }
        return new Condition(ref, Condition.Op.STARTS_WITH, Literal.ofString((String) value));
    }
  }

  private static Ref ref(ProcessorConfig rule, ConfigField<String> field, String at, Scope defaultScope) {
    String raw = rule.get(field);
    Ref ref = Ref.parse(raw, defaultScope);
    if (ref.key().isEmpty()) { // the schema's pattern refuses it; kept for a config built by hand
      throw problem(at, field, "empty key" + (raw.isEmpty() ? "" : " after '" + raw + "'"));
    }
    return ref;
  }

  /** {@code config 'rules[2].from': why}: the host shows it on that field of that element. */
  private static IllegalArgumentException problem(String at, ConfigField<?> field, String why) {
    return new IllegalArgumentException("config '" + at + "." + field.name() + "': " + why);
  }
}
