package io.tributary.catalog;

import io.tributary.catalog.CatalogException.Kind;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for text a person types that other people later read as a fact: principal names and
 * the reasons given for writes, approvals and rejections. A name or reason that renders like
 * another one (an invisible character, a bidirectional override, a control character) would let
 * one person pass for another, so such text is refused, never cleaned silently.
 *
 * <p>Principal names are deliberately narrow: ASCII letters and digits and {@code . _ @ -}, which
 * leaves no room for look-alike letters from other scripts; uniqueness is case-insensitive (the
 * store checks that). Reasons are free text in any script, without invisible or control
 * characters other than line feed and tab.
 */
public final class Texts {

  /** The longest principal name. */
  public static final int MAX_NAME = 64;
  /** The longest reason. */
  public static final int MAX_REASON = 1000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");

  private Texts() {}

  /**
   * A principal name as given, checked: 1 to {@value #MAX_NAME} characters from {@code A-Z a-z
   * 0-9 . _ @ -}, starting with a letter or digit.
   *
   * @throws CatalogException INVALID naming the problem (and the offending character)
   */
  public static String principalName(String name) {
    if (name == null || name.isEmpty()) {
      throw new CatalogException(Kind.INVALID, "a principal needs a name");
    }
    refuseInvisible("the name", name, false);
    if (!name.equals(name.strip())) {
      throw new CatalogException(Kind.INVALID, "the name '" + name + "' starts or ends with white space");
    }
    if (name.length() > MAX_NAME) {
      throw new CatalogException(Kind.INVALID, "a name may have at most " + MAX_NAME + " characters");
    }
    if (!NAME.matcher(name).matches()) {
      int bad = firstOutside(name);
      throw new CatalogException(Kind.INVALID, "the name '" + name + "' contains " + describe(name.codePointAt(bad))
          + " at position " + (bad + 1) + ": a name uses only the letters A-Z and a-z, digits and . _ @ -, and"
          + " starts with a letter or digit");
    }
    return name;
  }

  /** The key under which names are unique: the name in lower case. */
  public static String nameKey(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * A reason, NFC-normalised and stripped of leading and trailing white space; null for null or
   * blank.
   *
   * @throws CatalogException INVALID if it is longer than {@value #MAX_REASON} characters or holds a
   *     control (other than line feed and tab), format (zero-width, bidirectional), private-use,
   *     unassigned or line/paragraph-separator character
   */
  public static String reason(String reason) {
    if (reason == null) {
      return null;
    }
    refuseInvisible("the reason", reason, true);
    String clean = Normalizer.normalize(reason, Normalizer.Form.NFC).strip();
    if (clean.isEmpty()) {
      return null;
    }
    if (clean.length() > MAX_REASON) {
      throw new CatalogException(Kind.INVALID, "a reason may have at most " + MAX_REASON + " characters (this one has "
          + clean.length() + ")");
    }
    return clean;
  }

  private static void refuseInvisible(String what, String text, boolean allowLineBreaks) {
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (!(allowLineBreaks && (cp == '\n' || cp == '\t')) && isRefused(cp)) {
        throw new CatalogException(Kind.INVALID, what + " contains " + describe(cp) + " at position " + (i + 1)
            + ": invisible, control and bidirectional-override characters are refused, as they make text look"
            + " like something it is not");
      }
      i += Character.charCount(cp);
    }
  }

  private static boolean isRefused(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
      case Character.UNASSIGNED:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
        return true;
      default:
        // Default-ignorable characters outside Cf that render as nothing (Hangul fillers, U+3164, …).
        return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0
            || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }
  }

  private static int firstOutside(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (i > 0 && (c == '.' || c == '_' || c == '@' || c == '-'));
      if (!ok) {
        return i;
      }
    }
    return 0;
  }

  /** {@code U+200B (ZERO WIDTH SPACE)}. */
  static String describe(int cp) {
    String name = Character.getName(cp);
    return String.format(Locale.ROOT, "U+%04X", cp) + (name == null ? "" : " (" + name + ")");
  }
}
