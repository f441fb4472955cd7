package io.tributary.plugins.usersession;

import java.util.HashMap;
import java.util.Map;

/**
 * Just enough JSON to read a token's claims: the string and number members at the top level of
 * an object. Nested objects and arrays are skipped (checked for balance, not for validity).
 * Anything that is not a well-formed object yields null; the scanner never throws.
 */
final class JsonFields {

  private final String s;
  private int pos;

  private JsonFields(String s) {
    this.s = s;
  }

  /** Top-level members whose value is a string (unescaped) or a number (as written), or null. */
  static Map<String, String> topLevelScalars(String json) {
    try {
      return new JsonFields(json).object();
    } catch (Malformed e) {
      return null;
    }
  }

  private Map<String, String> object() {
    Map<String, String> out = new HashMap<>();
    skipSpace();
    expect('{');
    skipSpace();
    if (peek() == '}') {
      pos++;
      return end(out);
    }
    while (true) {
      skipSpace();
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      char c = peek();
      if (c == '"') {
        out.put(name, string());
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        out.put(name, number());
      } else if (c == '{' || c == '[') {
        skipNested();
      } else {
        literal();
      }
      skipSpace();
      char next = next();
      if (next == '}') {
        return end(out);
      }
      if (next != ',') {
        throw new Malformed();
      }
    }
  }

  private Map<String, String> end(Map<String, String> out) {
    skipSpace();
    if (pos != s.length()) {
      throw new Malformed();
    }
    return out;
  }

  private String string() {
    expect('"');
    StringBuilder sb = null;
    int start = pos;
    while (true) {
      char c = next();
      if (c == '"') {
        return sb == null ? s.substring(start, pos - 1) : sb.toString();
      }
      if (c < 0x20) {
        throw new Malformed();
      }
      if (c != '\\') {
        if (sb != null) {
          sb.append(c);
        }
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder().append(s, start, pos - 1);
      }
      char e = next();
      switch (e) {
        case '"': case '\\': case '/': sb.append(e); break;
        case 'b': sb.append('\b'); break;
        case 'f': sb.append('\f'); break;
        case 'n': sb.append('\n'); break;
        case 'r': sb.append('\r'); break;
        case 't': sb.append('\t'); break;
        case 'u':
          if (pos + 4 > s.length()) {
            throw new Malformed();
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos++), 16);
            if (d < 0) {
              throw new Malformed();
            }
            code = code * 16 + d;
          }
          sb.append((char) code);
          break;
        default:
          throw new Malformed();
      }
    }
  }

  private String number() {
    int start = pos;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
        pos++;
      } else {
        break;
      }
    }
    return s.substring(start, pos);
  }

  private void literal() {
    for (String word : new String[] {"true", "false", "null"}) {
      if (s.startsWith(word, pos)) {
        pos += word.length();
        return;
      }
    }
    throw new Malformed();
  }

  /** Skips an object or array, strings inside included, checking only that brackets balance. */
  private void skipNested() {
    int depth = 0;
    do {
      char c = peek();
      if (c == '"') {
        string();
        continue;
      }
      pos++;
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    } while (depth > 0);
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private void expect(char c) {
    if (next() != c) {
      throw new Malformed();
    }
  }

  private char peek() {
    if (pos >= s.length()) {
      throw new Malformed();
    }
    return s.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  /** Not JSON we can read; control flow only, so no stack trace. */
  private static final class Malformed extends RuntimeException {
    Malformed() {
      super(null, null, false, false);
    }
  }
}
