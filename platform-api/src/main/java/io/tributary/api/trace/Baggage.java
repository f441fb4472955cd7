package io.tributary.api.trace;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A W3C {@code baggage} header: an ordered list of entries, each a name, a value and optional
 * metadata (the member's properties). Read them with {@link #names}, {@link #get}, {@link
 * #metadata} and {@link #asMap}.
 *
 * <p>Names are HTTP tokens (RFC 7230 {@code tchar}) and are case-sensitive. Values are held
 * decoded: {@link #parse} percent-decodes them as UTF-8 (malformed sequences become U+FFFD, and a
 * {@code '%'} not followed by two hex digits stays as it is) and {@link #format} percent-encodes
 * every character outside the spec's {@code baggage-octet} set, plus {@code '%'} itself. Metadata
 * is the text after the member's first {@code ';'}, kept without decoding, with the optional
 * whitespace around {@code ';'} and {@code '='} removed: for {@code k=v;ttl = 5 ; secret} it is
 * {@code "ttl=5;secret"}. Entries without metadata have {@code ""}. When given to {@link #with},
 * metadata is a {@code ';'}-separated list of properties, each {@code key} or {@code key=value}
 * with a token key and a value of {@code baggage-octet}s, optional whitespace allowed.
 *
 * <p>Limits: at most {@value #MAX_MEMBERS} list-members and {@value #MAX_BYTES} bytes. They are
 * measured on the formatted output: each member as {@link #format} writes it, plus the separating
 * commas. Parsing and formatting keep members from the left and stop at the first member that
 * would break a limit: it and every member to its right are dropped, never a part of a member.
 * Entries added with {@link #with} are not limited in memory, only in {@link #format}.
 *
 * <p>Instances are immutable and thread-safe. If a request carries several {@code baggage} header
 * lines, join them with {@code ','} before parsing.
 */
public final class Baggage {

  /** The most list-members that {@link #parse} keeps and {@link #format} writes. */
  public static final int MAX_MEMBERS = 64;

  /** The most bytes (ASCII characters) that {@link #parse} keeps and {@link #format} writes. */
  public static final int MAX_BYTES = 8192;

  private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();
  private static final Baggage EMPTY = new Baggage(new Entry[0], new String[0]);

  private final Entry[] entries;
  /** Each entry as formatted for the header, same order; never modified after construction. */
  private final String[] members;

  /**
   * One baggage entry.
   *
   * @param name an HTTP token
   * @param value the decoded value; any string, possibly empty
   * @param metadata the properties, {@code ';'}-separated, each {@code key} or {@code key=value}
   *     with a token key and a value of {@code baggage-octet}s; {@code ""} for none. Stored
   *     without optional whitespace.
   */
  private record Entry(String name, String value, String metadata) {

    /**
     * Validates the entry.
     *
     * @throws IllegalArgumentException if {@code name} is not a token or {@code metadata} is not
     *     empty and not a valid property list
     * @throws NullPointerException if any argument is null
     */
    Entry {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      requireNonNull(metadata, "metadata");
      if (!isToken(name, 0, name.length())) {
        throw new IllegalArgumentException("baggage name is not an HTTP token: \"" + name + '"');
      }
      if (!metadata.isEmpty()) {
        String normalized = normalizeProperties(metadata, 0, metadata.length());
        if (normalized == null) {
          throw new IllegalArgumentException(
              "invalid baggage metadata for " + name + ": \"" + metadata + '"');
        }
        metadata = normalized;
      }
    }
  }

  private Baggage(Entry[] entries, String[] members) {
    this.entries = entries;
    this.members = members;
  }

  /** Returns the baggage with no entries. */
  public static Baggage empty() {
    return EMPTY;
  }

  /**
   * Parses a {@code baggage} header value leniently: invalid list-members are skipped, as are
   * empty ones and later duplicates of a name (the first occurrence wins), and members beyond the
   * {@linkplain Baggage limits} are dropped.
   *
   * @param header the header value; may be null
   * @return the valid entries, or {@link #empty()} if there are none; never null, never throws
   */
  public static Baggage parse(CharSequence header) {
    if (header == null) {
      return EMPTY;
    }
    List<Entry> parsed = new ArrayList<>();
    List<String> formatted = new ArrayList<>();
    int bytes = 0;
    int length = header.length();
    int memberStart = 0;
    while (memberStart <= length && parsed.size() < MAX_MEMBERS) {
      int memberEnd = indexOf(header, ',', memberStart, length);
      Entry entry = parseMember(header, memberStart, memberEnd);
      memberStart = memberEnd + 1;
      if (entry == null || indexOf(parsed, entry.name()) >= 0) {
        continue;
      }
      String member = formatMember(entry);
      int added = member.length() + (parsed.isEmpty() ? 0 : 1);
      if (bytes + added > MAX_BYTES) {
        break;
      }
      bytes += added;
      parsed.add(entry);
      formatted.add(member);
    }
    if (parsed.isEmpty()) {
      return EMPTY;
    }
    return new Baggage(parsed.toArray(new Entry[0]), formatted.toArray(new String[0]));
  }

  /** Returns the decoded value for {@code name}, or {@code null} if there is none. */
  public String get(String name) {
    int index = indexOf(Arrays.asList(entries), requireNonNull(name, "name"));
    return index < 0 ? null : entries[index].value();
  }

  /**
   * Returns the metadata (the member's properties) for {@code name}, as described above: for
   * example {@code "ttl=5;secret"}.
   *
   * @return the metadata, {@code ""} if the entry has none, or {@code null} if there is no entry
   *     for {@code name}
   * @throws NullPointerException if {@code name} is null
   */
  public String metadata(String name) {
    int index = indexOf(Arrays.asList(entries), requireNonNull(name, "name"));
    return index < 0 ? null : entries[index].metadata();
  }

  /**
   * Returns baggage with {@code name} set to {@code value} and no metadata; same as {@code
   * with(name, value, "")}.
   */
  public Baggage with(String name, String value) {
    return with(name, value, "");
  }

  /**
   * Returns baggage with {@code name} set to {@code value} and {@code metadata}. An existing entry
   * for {@code name} is replaced where it stands; a new one goes last.
   *
   * @param metadata properties as described {@linkplain Baggage above}, or {@code ""}
   * @throws IllegalArgumentException if {@code name} is not an HTTP token or {@code metadata} is
   *     malformed
   * @throws NullPointerException if an argument is null
   */
  public Baggage with(String name, String value, String metadata) {
    Entry entry = new Entry(name, value, metadata);
    int index = indexOf(Arrays.asList(entries), name);
    int size = index < 0 ? entries.length + 1 : entries.length;
    Entry[] newEntries = Arrays.copyOf(entries, size);
    String[] newMembers = Arrays.copyOf(members, size);
    int target = index < 0 ? size - 1 : index;
    newEntries[target] = entry;
    newMembers[target] = formatMember(entry);
    return new Baggage(newEntries, newMembers);
  }

  /** Returns baggage without an entry for {@code name}; {@code this} if there is none. */
  public Baggage without(String name) {
    int index = indexOf(Arrays.asList(entries), requireNonNull(name, "name"));
    if (index < 0) {
      return this;
    }
    if (entries.length == 1) {
      return EMPTY;
    }
    Entry[] newEntries = new Entry[entries.length - 1];
    String[] newMembers = new String[entries.length - 1];
    System.arraycopy(entries, 0, newEntries, 0, index);
    System.arraycopy(entries, index + 1, newEntries, index, newEntries.length - index);
    System.arraycopy(members, 0, newMembers, 0, index);
    System.arraycopy(members, index + 1, newMembers, index, newMembers.length - index);
    return new Baggage(newEntries, newMembers);
  }

  /** Returns the number of entries. */
  public int size() {
    return entries.length;
  }

  /** Returns whether there are no entries. */
  public boolean isEmpty() {
    return entries.length == 0;
  }

  /** Returns the entry names, in order, as an unmodifiable list. */
  public List<String> names() {
    String[] names = new String[entries.length];
    for (int i = 0; i < entries.length; i++) {
      names[i] = entries[i].name();
    }
    return List.of(names);
  }

  /** Returns an unmodifiable map from name to decoded value, in entry order. */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (Entry entry : entries) {
      map.put(entry.name(), entry.value());
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * Returns the header value: entries as {@code name=encoded-value[;metadata]} joined by {@code
   * ','}, within the {@linkplain Baggage limits}; the empty string if there are none (omit the
   * header then).
   */
  public String format() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < members.length && i < MAX_MEMBERS; i++) {
      int added = members[i].length() + (i == 0 ? 0 : 1);
      if (out.length() + added > MAX_BYTES) {
        break;
      }
      if (i > 0) {
        out.append(',');
      }
      out.append(members[i]);
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Baggage && Arrays.equals(entries, ((Baggage) other).entries);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(entries);
  }

  @Override
  public String toString() {
    return "Baggage" + Arrays.toString(entries);
  }

  private static int indexOf(List<Entry> entries, String name) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Returns the entry for {@code s[start, end)}, or null if that member is empty or invalid. */
  private static Entry parseMember(CharSequence s, int start, int end) {
    start = skipOws(s, start, end);
    end = trimOwsEnd(s, start, end);
    if (start == end) {
      return null;
    }
    int semicolon = indexOf(s, ';', start, end);
    int equals = indexOf(s, '=', start, semicolon);
    if (equals == semicolon) {
      return null;
    }
    int nameEnd = trimOwsEnd(s, start, equals);
    int valueStart = skipOws(s, equals + 1, semicolon);
    int valueEnd = trimOwsEnd(s, valueStart, semicolon);
    if (!isToken(s, start, nameEnd) || !isBaggageOctets(s, valueStart, valueEnd)) {
      return null;
    }
    String metadata = "";
    if (semicolon < end) {
      metadata = normalizeProperties(s, semicolon + 1, end);
      if (metadata == null) {
        return null;
      }
    }
    return new Entry(
        s.subSequence(start, nameEnd).toString(), decode(s, valueStart, valueEnd), metadata);
  }

  /**
   * Returns the {@code ';'}-separated properties in {@code s[start, end)} without optional
   * whitespace, or null if there is no property, an empty one, or an invalid one.
   */
  private static String normalizeProperties(CharSequence s, int start, int end) {
    StringBuilder out = new StringBuilder(end - start);
    int propertyStart = start;
    while (propertyStart <= end) {
      int propertyEnd = indexOf(s, ';', propertyStart, end);
      int keyStart = skipOws(s, propertyStart, propertyEnd);
      int equals = indexOf(s, '=', keyStart, propertyEnd);
      int keyEnd = trimOwsEnd(s, keyStart, equals);
      if (!isToken(s, keyStart, keyEnd)) {
        return null;
      }
      if (out.length() > 0) {
        out.append(';');
      }
      out.append(s, keyStart, keyEnd);
      if (equals < propertyEnd) {
        int valueStart = skipOws(s, equals + 1, propertyEnd);
        int valueEnd = trimOwsEnd(s, valueStart, propertyEnd);
        if (!isBaggageOctets(s, valueStart, valueEnd)) {
          return null;
        }
        out.append('=').append(s, valueStart, valueEnd);
      }
      propertyStart = propertyEnd + 1;
    }
    return out.toString();
  }

  private static String formatMember(Entry entry) {
    StringBuilder out = new StringBuilder(entry.name().length() + entry.value().length() + 1);
    out.append(entry.name()).append('=');
    encode(entry.value(), out);
    if (!entry.metadata().isEmpty()) {
      out.append(';').append(entry.metadata());
    }
    return out.toString();
  }

  /** Percent-decodes {@code s[start, end)}, whose characters are all baggage-octets. */
  private static String decode(CharSequence s, int start, int end) {
    if (indexOf(s, '%', start, end) == end) {
      return s.subSequence(start, end).toString();
    }
    byte[] bytes = new byte[end - start];
    int length = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < end) {
        int high = TraceParent.hexValue(s.charAt(i + 1));
        int low = TraceParent.hexValue(s.charAt(i + 2));
        if (high >= 0 && low >= 0) {
          bytes[length++] = (byte) ((high << 4) | low);
          i += 2;
          continue;
        }
      }
      bytes[length++] = (byte) c;
    }
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  /** Appends {@code value} percent-encoded as UTF-8; unpaired surrogates become U+FFFD. */
  private static void encode(String value, StringBuilder out) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        if (c != '%' && isBaggageOctet(c)) {
          out.append(c);
        } else {
          appendPercent(c, out);
        }
        continue;
      }
      int codePoint = c;
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        codePoint = Character.toCodePoint(c, value.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        codePoint = 0xFFFD;
      }
      if (codePoint < 0x800) {
        appendPercent(0xC0 | (codePoint >> 6), out);
      } else {
        if (codePoint < 0x10000) {
          appendPercent(0xE0 | (codePoint >> 12), out);
        } else {
          appendPercent(0xF0 | (codePoint >> 18), out);
          appendPercent(0x80 | ((codePoint >> 12) & 0x3F), out);
        }
        appendPercent(0x80 | ((codePoint >> 6) & 0x3F), out);
      }
      appendPercent(0x80 | (codePoint & 0x3F), out);
    }
  }

  private static void appendPercent(int octet, StringBuilder out) {
    out.append('%').append(UPPER_HEX[octet >> 4]).append(UPPER_HEX[octet & 0xF]);
  }

  /** RFC 7230 {@code token}: one or more {@code tchar}. */
  private static boolean isToken(CharSequence s, int start, int end) {
    if (start >= end) {
      return false;
    }
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBaggageOctets(CharSequence s, int start, int end) {
    for (int i = start; i < end; i++) {
      if (!isBaggageOctet(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Printable ASCII except space, {@code "}, {@code ,}, {@code ;} and {@code \}. */
  private static boolean isBaggageOctet(char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
  }

  private static int indexOf(CharSequence s, char c, int start, int end) {
    for (int i = start; i < end; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return end;
  }

  private static int skipOws(CharSequence s, int start, int end) {
    while (start < end && isOws(s.charAt(start))) {
      start++;
    }
    return start;
  }

  private static int trimOwsEnd(CharSequence s, int start, int end) {
    while (end > start && isOws(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
