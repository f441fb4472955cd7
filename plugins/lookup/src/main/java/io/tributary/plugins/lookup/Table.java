package io.tributary.plugins.lookup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One immutable snapshot of the lookup table, ready for the hot path: every row already holds the
 * values to write (defaults folded in), under target keys computed once. A reload builds a new
 * snapshot and swaps it in whole, cache included.
 */
final class Table {

  /** How keys are matched. */
  enum Match { EXACT, PREFIX }

  /** What to build a table with, from the stage's config. */
  record Settings(
      String keyColumn,
      List<String> columns,
      String prefix,
      Map<String, String> defaults,
      boolean caseInsensitive,
      Match match,
      int cacheSize) {}

  /** One raw row: where it comes from (for messages) and its cells, aligned with the header. */
  record RawRow(String where, List<String> cells) {}

  /** The values of one row, aligned with {@link #targets}; null means "write nothing". */
  static final class Row {
    final String[] values;

    Row(String[] values) {
      this.values = values;
    }
  }

  /** Keys longer than this are looked up but not cached, so the cache stays small. */
  static final int MAX_CACHED_KEY_LENGTH = 256;

  private static final Row NOT_FOUND = new Row(new String[0]);

  final String[] targets;
  final Row miss;
  private final Map<String, Row> rows;
  private final boolean caseInsensitive;
  private final boolean prefix;
  /** Distinct key lengths, longest first, for longest-prefix matching. */
  private final int[] keyLengths;
  private final Cache cache;

  private Table(String[] targets, Row miss, Map<String, Row> rows, Settings s) {
    this.targets = targets;
    this.miss = miss;
    this.rows = rows;
    this.caseInsensitive = s.caseInsensitive();
    this.prefix = s.match() == Match.PREFIX;
    TreeSet<Integer> lengths = new TreeSet<>();
    rows.keySet().forEach(k -> lengths.add(k.length()));
    this.keyLengths = lengths.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    // An exact, case-sensitive lookup is one HashMap probe already: nothing to cache.
    this.cache = (caseInsensitive || prefix) && s.cacheSize() > 0 ? new Cache(s.cacheSize()) : null;
  }

  int size() {
    return rows.size();
  }

  /** The row for {@code key}, or {@link #miss} (which may write defaults). */
  Row find(String key) {
    if (cache == null) {
      Row row = resolve(key);
      return row == null ? miss : row;
    }
    Row row = cache.get(key);
    if (row == null) {
      row = resolve(key);
      if (row == null) {
        row = NOT_FOUND;
      }
      if (key.length() <= MAX_CACHED_KEY_LENGTH) {
        cache.put(key, row);
      }
    }
    return row == NOT_FOUND ? miss : row;
  }

  private Row resolve(String key) {
    String k = caseInsensitive ? key.toLowerCase(Locale.ROOT) : key;
    Row row = rows.get(k);
    if (row != null || !prefix) {
      return row;
    }
    for (int length : keyLengths) {
      if (length < k.length()) {
        row = rows.get(k.substring(0, length));
        if (row != null) {
          return row;
        }
      }
    }
    return null;
  }

  /**
   * Builds a table. {@code source} names the table in messages ({@code csvFile 'tenants.csv'});
   * {@code header} names the columns; {@code keyIndex} is the key column. When {@code fromFile},
   * messages name columns by position and rows by line, never by what the file holds: a message
   * goes to whoever wrote the configuration, who need not be allowed to read the file.
   *
   * @throws IllegalArgumentException naming the config key or the row at fault
   */
  static Table build(Settings s, String source, List<String> header, int keyIndex, List<RawRow> raw,
      boolean fromFile) {
    List<String> written = new ArrayList<>();
    if (s.columns().isEmpty()) {
      for (int j = 0; j < header.size(); j++) {
        if (j != keyIndex) {
          written.add(header.get(j));
        }
      }
    } else {
      for (String column : new LinkedHashSet<>(s.columns())) {
        int j = header.indexOf(column);
        if (j < 0 || j == keyIndex) {
          throw new IllegalArgumentException("config 'columns': '" + column + "' is not a "
              + (j == keyIndex ? "value column (it is the key)" : "column of " + source)
              + (fromFile ? " (its header has " + header.size() + " columns)"
                  : " (columns: " + valueColumns(header, keyIndex) + ")"));
        }
        written.add(column);
      }
    }
    for (String column : s.defaults().keySet()) {
      if (!written.contains(column)) {
        throw new IllegalArgumentException("config 'defaults': '" + column
            + "' is not among the columns written"
            + (fromFile && s.columns().isEmpty() ? " (the columns of " + source + " but the key)" : " " + written));
      }
    }
    String[] targets = new String[written.size()];
    int[] indexes = new int[written.size()];
    String[] missValues = new String[written.size()];
    for (int w = 0; w < targets.length; w++) {
      targets[w] = s.prefix() + written.get(w);
      indexes[w] = header.indexOf(written.get(w));
      missValues[w] = s.defaults().get(written.get(w));
      if (targets[w].isEmpty() || targets[w].chars().anyMatch(ch -> ch <= ' ')) {
        throw new IllegalArgumentException(fromFile && s.columns().isEmpty()
            ? "config 'prefix': column " + (indexes[w] + 1) + " of " + source
                + " gives an attribute key that is empty or has whitespace"
            : "config 'prefix': column '" + written.get(w) + "' of " + source + " gives the attribute key '"
                + targets[w] + "', which is empty or has whitespace");
      }
    }
    Map<String, Row> rows = new HashMap<>(Math.max(16, raw.size() * 2));
    Map<String, String> firstSeen = new HashMap<>();
    for (RawRow r : raw) {
      String key = r.cells().get(keyIndex);
      if (key.isEmpty()) {
        throw new IllegalArgumentException(r.where() + ": the key ("
            + (fromFile ? "column " + (keyIndex + 1) : "'" + header.get(keyIndex) + "'") + ") is empty");
      }
      String normalized = s.caseInsensitive() ? key.toLowerCase(Locale.ROOT) : key;
      String before = firstSeen.putIfAbsent(normalized, r.where());
      if (before != null) {
        throw new IllegalArgumentException(r.where() + ": duplicate key" + (fromFile ? "" : " '" + key + "'")
            + " (first at "
            + before + (s.caseInsensitive() ? ", keys compared ignoring case)" : ")"));
      }
      String[] values = new String[targets.length];
      for (int w = 0; w < targets.length; w++) {
        String cell = r.cells().get(indexes[w]);
        values[w] = cell.isEmpty() ? missValues[w] : cell;
      }
      rows.put(normalized, new Row(values));
    }
    return new Table(targets, new Row(missValues), Map.copyOf(rows), s);
  }

  private static List<String> valueColumns(List<String> header, int keyIndex) {
    List<String> out = new ArrayList<>(header);
    out.remove(keyIndex);
    return out;
  }

  /** Header checks shared by the CSV and inline forms; {@code fromFile} as in {@link #build}. */
  static void checkHeader(String source, List<String> header, boolean fromFile) {
    Set<String> seen = new LinkedHashSet<>();
    for (int j = 0; j < header.size(); j++) {
      String column = header.get(j);
      if (column.isEmpty()) {
        throw new IllegalArgumentException(source + " line 1: a column has no name");
      }
      if (!seen.add(column)) {
        throw new IllegalArgumentException(source + " line 1: " + (fromFile
            ? "column " + (j + 1) + " has the name of column " + (header.indexOf(column) + 1)
            : "column '" + column + "' appears twice"));
      }
    }
  }

  @Override
  public String toString() {
    return "Table[" + rows.size() + " rows, writes " + Arrays.toString(targets) + "]";
  }

  /**
   * A bounded cache of lookups by raw key, misses included, in two generations: lookups hit the
   * young map, then the old one; when the young map is full it becomes the old one and a new
   * young map starts. Keys used recently survive a turnover, and the cache never holds more than
   * {@code 2 × capacity / 2} entries. Races only cost a repeated lookup.
   */
  static final class Cache {
    private final int generationSize;
    private volatile ConcurrentHashMap<String, Row> young;
    private volatile ConcurrentHashMap<String, Row> old;

    Cache(int capacity) {
      this.generationSize = Math.max(1, capacity / 2);
      this.young = new ConcurrentHashMap<>();
      this.old = new ConcurrentHashMap<>();
    }

    Row get(String key) {
      Row row = young.get(key);
      if (row == null) {
        row = old.get(key);
        if (row != null) {
          put(key, row); // promote what is still in use
        }
      }
      return row;
    }

    void put(String key, Row row) {
      ConcurrentHashMap<String, Row> y = young;
      if (y.size() >= generationSize) {
        synchronized (this) {
          if (young == y) {
            old = y;
            young = y = new ConcurrentHashMap<>();
          } else {
            y = young;
          }
        }
      }
      y.put(key, row);
    }

    int size() {
      return young.size() + old.size();
    }
  }

  /** For tests: the number of cached lookups, or -1 without a cache. */
  int cachedEntries() {
    return cache == null ? -1 : cache.size();
  }
}
