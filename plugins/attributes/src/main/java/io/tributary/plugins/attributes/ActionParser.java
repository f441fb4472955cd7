package io.tributary.plugins.attributes;

import io.tributary.plugins.attributes.Action.Condition;
import io.tributary.plugins.attributes.Action.Ref;
import io.tributary.plugins.attributes.Action.Scope;
import io.tributary.plugins.attributes.Action.Verb;
import java.util.Locale;

/**
 * Parses one action of the {@code actions} list:
 *
 * <pre>
 * action    = verb args [ "if" condition ]
 * insert | update | upsert   key "=" value
 * rename | copy              key "->" key
 * delete | hash              key
 * condition = key ( "exists" | "missing" | "==" value | "!=" value | "startswith" text )
 * key       = [ "resource:" | "attributes:" ] name          (bare or "quoted")
 * value     = "quoted string" | integer | decimal | true | false | bare word (a string)
 * </pre>
 *
 * Spaces separate words; around {@code =} and {@code ->} they are optional. A quoted string uses
 * double quotes with {@code \"} and {@code \\} escapes. Problems throw {@link
 * IllegalArgumentException} with a message {@code config 'actions[i]': …}.
 *
 * <p>This is the deprecated text form; the {@code rules} list of objects ({@link RuleReader})
 * gives the same {@link Action}s.
 */
final class ActionParser {

  private static final String VERBS = "insert, update, upsert, rename, copy, delete, hash";
  private static final String OPERATORS = "exists, missing, ==, !=, startswith";

  private final String text;
  private final String where;
  private final Scope defaultScope;
  private int pos;

  private ActionParser(String text, int index, Scope defaultScope) {
    this.text = text;
    this.where = "config 'actions[" + index + "]': ";
    this.defaultScope = defaultScope;
  }

  static Action parse(String text, int index, Scope defaultScope) {
    return new ActionParser(text, index, defaultScope).action();
  }

  private Action action() {
    skipSpace();
    if (atEnd()) {
      throw problem("empty action (use one of " + VERBS + ")");
    }
    String word = bareWord("");
    Verb verb = verb(word);
    Ref ref;
    Ref to = null;
    Literal value = null;
    switch (verb) {
      case INSERT:
      case UPDATE:
      case UPSERT:
        ref = key(verb, "=", "'key=value'");
        skipSpace();
        if (!text.startsWith("=", pos)) {
          throw problem(verb.word() + " needs 'key=value', found " + found());
        }
        pos++;
        skipSpace();
        value = value(verb.word() + " needs a value after '='");
        break;
      case RENAME:
      case COPY:
        ref = key(verb, "->", "'from -> to'");
        skipSpace();
        if (!text.startsWith("->", pos)) {
          throw problem(verb.word() + " needs 'from -> to', found " + found());
        }
        pos += 2;
        skipSpace();
        to = key(verb, "", "'from -> to'");
        if (to.equals(ref)) {
          throw problem(verb.word() + " from '" + ref + "' to itself does nothing");
        }
        break;
      default:
        ref = key(verb, "", "a key");
    }
    Condition condition = condition();
    return new Action(verb, ref, to, value, condition);
  }

  private Verb verb(String word) {
    for (Verb v : Verb.values()) {
      if (v.word().equals(word)) {
        return v;
      }
    }
    String lower = word.toLowerCase(Locale.ROOT);
    for (Verb v : Verb.values()) {
      if (v.word().equals(lower)) {
        throw problem("unknown action '" + word + "' (actions are lowercase: '" + lower + "')");
      }
    }
    String hint = "";
    int best = 3;
    for (Verb v : Verb.values()) {
      int d = distance(v.word(), lower);
      if (d < best) {
        best = d;
        hint = "; did you mean '" + v.word() + "'?";
      }
    }
    throw problem("unknown action '" + word + "'" + (hint.isEmpty() ? " (use one of " + VERBS + ")" : hint));
  }

  private Condition condition() {
    skipSpace();
    if (atEnd()) {
      return null;
    }
    int start = pos;
    String word = bareWord("");
    if (!word.equals("if")) {
      pos = start;
      throw problem("unexpected " + found() + " after the action (a condition starts with 'if')");
    }
    skipSpace();
    if (atEnd()) {
      throw problem("'if' needs a condition: <key> " + OPERATORS.replace(", ", " | "));
    }
    Ref ref = conditionKey();
    skipSpace();
    if (atEnd()) {
      throw problem("condition on '" + ref + "' needs an operator (" + OPERATORS + ")");
    }
    Condition condition;
    if (text.startsWith("==", pos) || text.startsWith("!=", pos)) {
      boolean equals = text.charAt(pos) == '=';
      pos += 2;
      skipSpace();
      Literal value = value("'" + (equals ? "==" : "!=") + "' needs a value");
      condition = new Condition(ref, equals ? Condition.Op.EQUALS : Condition.Op.NOT_EQUALS, value);
    } else {
      int opStart = pos;
      String op = bareWord("");
      switch (op) {
        case "exists":
          condition = new Condition(ref, Condition.Op.EXISTS, null);
          break;
        case "missing":
          condition = new Condition(ref, Condition.Op.MISSING, null);
          break;
        case "startswith":
          skipSpace();
          if (atEnd()) {
            throw problem("'startswith' needs a prefix");
          }
          String prefix = peek() == '"' ? quoted() : bareWord("");
          condition = new Condition(ref, Condition.Op.STARTS_WITH, Literal.ofString(prefix));
          break;
        default:
          pos = opStart;
          throw problem("unknown condition operator " + found() + " (use " + OPERATORS + ")");
      }
    }
    skipSpace();
    if (!atEnd()) {
      throw problem("unexpected " + found() + " after the condition");
    }
    return condition;
  }

  /** A key, stopping before {@code stop} (like {@code =} or {@code ->}) when it is not quoted. */
  private Ref key(Verb verb, String stop, String shape) {
    skipSpace();
    if (atEnd()) {
      throw problem(verb.word() + " needs " + shape + ", found nothing");
    }
    if (!stop.isEmpty() && text.startsWith(stop, pos)) {
      throw problem(verb.word() + " needs " + shape + ", but the key is missing");
    }
    String raw = peek() == '"' ? quoted() : bareWord(stop);
    return ref(raw);
  }

  /** A condition key stops before {@code ==} or {@code !=} too. */
  private Ref conditionKey() {
    String raw;
    if (peek() == '"') {
      raw = quoted();
    } else {
      int start = pos;
      while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))
          && !text.startsWith("==", pos) && !text.startsWith("!=", pos)) {
        pos++;
      }
      raw = text.substring(start, pos);
      if (raw.isEmpty()) {
        throw problem("condition needs a key before " + found());
      }
    }
    return ref(raw);
  }

  private Ref ref(String raw) {
    Ref ref = Ref.parse(raw, defaultScope);
    if (ref.key().isEmpty()) {
      throw problem("empty key" + (raw.isEmpty() ? "" : " after '" + raw + "'"));
    }
    return ref;
  }

  private Literal value(String ifMissing) {
    if (atEnd()) {
      throw problem(ifMissing);
    }
    if (peek() == '"') {
      return Literal.ofString(quoted());
    }
    return Literal.ofWord(bareWord(""));
  }

  /** Characters up to whitespace, the end, or {@code stop}. */
  private String bareWord(String stop) {
    int start = pos;
    while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))
        && (stop.isEmpty() || !text.startsWith(stop, pos))) {
      if (text.charAt(pos) == '"') {
        throw problem("a quote inside the word '" + text.substring(start, pos)
            + "…': quote the whole value");
      }
      pos++;
    }
    return text.substring(start, pos);
  }

  private String quoted() {
    int start = pos;
    pos++; // the opening quote
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        if (pos < text.length() && !Character.isWhitespace(text.charAt(pos))
            && !text.startsWith("=", pos) && !text.startsWith("->", pos)
            && !text.startsWith("==", pos) && !text.startsWith("!=", pos)) {
          throw problem("unexpected " + found() + " right after a closing quote");
        }
        return sb.toString();
      }
      if (c == '\\') {
        if (pos >= text.length()) {
          break;
        }
        char e = text.charAt(pos++);
        if (e != '"' && e != '\\') {
          throw problem("unknown escape '\\" + e + "' in a quoted string (use \\\" or \\\\)");
        }
        c = e;
      }
      sb.append(c);
    }
    throw problem("unterminated quoted string starting at column " + (start + 1));
  }

  private String found() {
    if (atEnd()) {
      return "nothing";
    }
    int end = pos;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
      end++;
    }
    return "'" + text.substring(pos, end) + "'";
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private char peek() {
    return text.charAt(pos);
  }

  private IllegalArgumentException problem(String message) {
    return new IllegalArgumentException(where + message);
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
