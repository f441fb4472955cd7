package io.tributary.plugins.attributes;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import java.util.Objects;

/**
 * One action: a rule of the {@code rules} list, or a parsed line of the deprecated {@code
 * actions} list (both give the same model). Immutable and thread-safe.
 */
final class Action {

  enum Verb {
    INSERT, UPDATE, UPSERT, RENAME, COPY, DELETE, HASH;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Which attribute map of an item a key lives in. */
  enum Scope {
    ATTRIBUTES, RESOURCE;

    Attributes of(Item item) {
      return this == RESOURCE ? item.resource() : item.attributes();
    }

    /** The key in descriptor notation. */
    String notation(String key) {
      return this == RESOURCE ? "resource:" + key : key;
    }
  }

  /** A key in a scope. */
  record Ref(Scope scope, String key) {

    /**
     * Reads a key as configured: a {@code resource:} or {@code attributes:} prefix picks the
     * scope, else {@code defaultScope}. The key may come out empty; callers report that.
     */
    static Ref parse(String raw, Scope defaultScope) {
      if (raw.startsWith("resource:")) {
        return new Ref(Scope.RESOURCE, raw.substring("resource:".length()));
      }
      if (raw.startsWith("attributes:")) {
        return new Ref(Scope.ATTRIBUTES, raw.substring("attributes:".length()));
      }
      return new Ref(defaultScope, raw);
    }

    Attributes of(Item item) {
      return scope.of(item);
    }

    @Override
    public String toString() {
      return scope.notation(key);
    }
  }

  /** {@code if <key> exists | missing | == v | != v | startswith p}. */
  record Condition(Ref ref, Op op, Literal value) {
    enum Op { EXISTS, MISSING, EQUALS, NOT_EQUALS, STARTS_WITH }

    boolean test(Item item) {
      Attributes a = ref.of(item);
      switch (op) {
        case EXISTS:
          return a.contains(ref.key());
        case MISSING:
          return !a.contains(ref.key());
        case EQUALS:
          return value.matches(a, ref.key());
        case NOT_EQUALS:
          return !value.matches(a, ref.key());
        default:
          String s = a.getString(ref.key());
          return s != null && s.startsWith((String) value.value());
      }
    }
  }

  final Verb verb;
  /** The key acted on; for rename and copy, the source. */
  final Ref ref;
  /** For rename and copy, the target; else null. */
  final Ref to;
  /** For insert, update and upsert, the value; else null. */
  final Literal value;
  /** Null when unconditional. */
  final Condition condition;

  Action(Verb verb, Ref ref, Ref to, Literal value, Condition condition) {
    this.verb = verb;
    this.ref = ref;
    this.to = to;
    this.value = value;
    this.condition = condition;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Action)) {
      return false;
    }
    Action a = (Action) o;
    return verb == a.verb && ref.equals(a.ref) && Objects.equals(to, a.to)
        && Objects.equals(value, a.value) && Objects.equals(condition, a.condition);
  }

  @Override
  public int hashCode() {
    return Objects.hash(verb, ref, to, value, condition);
  }

  /** For messages and tests: {@code rename a -> b if c == 1}. */
  @Override
  public String toString() {
    String s = verb.word() + " " + ref + (to != null ? " -> " + to : "")
        + (value != null ? "=" + value : "");
    return condition == null ? s
        : s + " if " + condition.ref() + " " + condition.op()
            + (condition.value() == null ? "" : " " + condition.value());
  }

  void apply(Item item, Hmac hmac) {
    if (condition != null && !condition.test(item)) {
      return;
    }
    Attributes a = ref.of(item);
    String key = ref.key();
    switch (verb) {
      case INSERT:
        if (!a.contains(key)) {
          value.write(a, key);
        }
        break;
      case UPDATE:
        if (a.contains(key)) {
          value.write(a, key);
        }
        break;
      case UPSERT:
        value.write(a, key);
        break;
      case DELETE:
        a.remove(key);
        break;
      case COPY:
      case RENAME: {
        int i = a.indexOf(key);
        if (i >= 0) {
          copy(a, i, to.of(item), to.key());
          if (verb == Verb.RENAME) {
            a.remove(key);
          }
        }
        break;
      }
      case HASH:
        hash(a, key, hmac);
        break;
      default:
        throw new AssertionError(verb);
    }
  }

  private static void copy(Attributes from, int i, Attributes to, String key) {
    switch (from.typeAt(i)) {
      case STRING:
        to.put(key, from.stringAt(i));
        break;
      case LONG:
        to.put(key, from.longAt(i));
        break;
      case DOUBLE:
        to.put(key, from.doubleAt(i));
        break;
      case BOOLEAN:
        to.put(key, from.booleanAt(i));
        break;
      default: // bytes and arrays: immutable or copied by the attribute map
        to.putValue(key, from.valueAt(i));
    }
  }

  /** Strings, numbers and booleans become the hex HMAC of their text; bytes and arrays stay. */
  private static void hash(Attributes a, String key, Hmac hmac) {
    int i = a.indexOf(key);
    if (i < 0) {
      return;
    }
    switch (a.typeAt(i)) {
      case STRING:
        a.setStringAt(i, hmac.hex(a.stringAt(i)));
        break;
      case LONG:
        a.put(key, hmac.hex(Long.toString(a.longAt(i))));
        break;
      case DOUBLE:
        a.put(key, hmac.hex(Double.toString(a.doubleAt(i))));
        break;
      case BOOLEAN:
        a.put(key, hmac.hex(Boolean.toString(a.booleanAt(i))));
        break;
      default:
        break;
    }
  }
}
