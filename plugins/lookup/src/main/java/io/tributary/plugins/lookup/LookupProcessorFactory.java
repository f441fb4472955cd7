package io.tributary.plugins.lookup;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.List;
import java.util.Map;

/**
 * The {@code lookup} processor: enriches items from a table (a CSV file or inline config) keyed
 * by one attribute.
 */
public final class LookupProcessorFactory implements ProcessorFactory {

  private static final String DESCRIPTION = String.join("\n",
      "Adds facts from a table to every item, keyed by one attribute: `tenant.id` → the",
      "tenant's tier and region, `service.name` → the owning team, a path prefix → the API",
      "product. Use it for small, slowly changing reference data (up to some hundred thousand",
      "rows) that must not cost a network call per item.",
      "",
      "The table is either `csvFile`, a UTF-8 CSV file in the server's lookup dir (RFC 4180: quoted fields may hold",
      "commas, quotes written `\"\"` and line breaks; CRLF or LF) whose header row names the",
      "columns and whose key column is `keyColumn` or else the first, or `inline`, a map from",
      "key to `column=value;column=value` (`\\;`, `\\=` and `\\\\` escape). It is loaded once",
      "when the stage is created; a malformed file stops the pipeline from compiling with a",
      "message naming the file and line (never its content). Duplicate keys are errors.",
      "The file is read through the host: the name is relative to the directory the operator",
      "allows (`--lookup-dir`); paths outside it, symbolic links out of it, anything but a",
      "regular file, and files above the size limit are refused.",
      "",
      "For an item whose `key` attribute (a string or an integer; `resource:` prefix for a",
      "resource attribute) is found, each of `columns` (default: every column but the key) is",
      "written as the attribute `prefix` + column name. When the key is not in the table, or a",
      "cell is empty, the column's entry in `defaults` is written instead, if any: the safe",
      "default. An item without the key attribute is left alone. Existing attributes are kept",
      "unless `overwrite` is on. Values are written as strings.",
      "",
      "`match: prefix` finds the longest table key the value starts with (`/api/payments`",
      "matches `/api/payments/42`); `caseInsensitive` compares keys ignoring case. Those two",
      "cost a lowercased copy or several probes per lookup, so their results, misses included,",
      "are kept in a bounded cache of `cacheSize` recent keys (0 turns it off); a plain exact",
      "lookup is a single hash probe and is never cached.",
      "",
      "With `reloadInterval`, a background thread checks the file's modification time and size",
      "every so many milliseconds and, when they change, reads it again and swaps the new table",
      "in whole (cache included); a reload that fails keeps the previous table and is logged.",
      "Items never wait for the file: the hot path does no I/O.",
      "",
      "The written keys depend on the configuration, so the descriptor declares `*` (and reads",
      "`*` and `resource:*`): a descriptor cannot name per-stage keys.");

  static final ConfigField<String> KEY = ConfigField.string("key")
      .required()
      // An attribute key: no whitespace or control characters; "resource:" alone names nothing.
      .pattern("(?!resource:$)[^\\x00-\\x20]+", "must be an attribute key or resource:<key>, with no spaces or control characters")
      .doc("The attribute whose value is looked up, e.g. tenant.id; 'resource:' prefix for "
          + "a resource attribute.");
  static final ConfigField<String> CSV_FILE = ConfigField.string("csvFile")
      .doc("A UTF-8 CSV file with a header row, relative to the server's lookup dir. Give this "
          + "or 'inline'.");
  static final ConfigField<Map<String, String>> INLINE = ConfigField.stringMap("inline")
      .doc("The table in the config: key → 'column=value;column=value'. Give this or 'csvFile'.");
  static final ConfigField<String> KEY_COLUMN = ConfigField.string("keyColumn")
      .doc("The CSV column holding the keys; default: the first column.");
  static final ConfigField<List<String>> COLUMNS = ConfigField.stringList("columns")
      .doc("The columns to write, in order; default: every column but the key.");
  static final ConfigField<String> PREFIX = ConfigField.string("prefix")
      .withDefault("")
      .doc("Prepended to a column name to make the attribute key, e.g. 'tenant.'.");
  static final ConfigField<Map<String, String>> DEFAULTS = ConfigField.stringMap("defaults")
      .doc("Column → value written when the key is not in the table or the cell is empty.");
  static final ConfigField<Boolean> OVERWRITE = ConfigField.bool("overwrite")
      .withDefault(false)
      .doc("Replace attributes the item already has instead of keeping them.");
  static final ConfigField<Boolean> CASE_INSENSITIVE = ConfigField.bool("caseInsensitive")
      .withDefault(false)
      .doc("Compare keys ignoring case.");
  static final ConfigField<String> MATCH = ConfigField.string("match")
      .withDefault("exact")
      .allowedValues("exact", "prefix")
      .doc("'exact', or 'prefix' for the longest table key the value starts with.");
  static final ConfigField<Long> CACHE_SIZE = ConfigField.longValue("cacheSize")
      .withDefault(10_000L)
      .range(0, 1_000_000)
      .doc("Recent lookups kept when match is 'prefix' or keys are case-insensitive "
          + "(0 to 1000000; 0 = no cache).");
  static final ConfigField<Long> RELOAD_INTERVAL = ConfigField.longValue("reloadInterval")
      .withDefault(0L)
      .range(0, null)
      .doc("Check csvFile for changes every so many milliseconds and reload it in the "
          + "background (0 = never; at least 100).");

  private static final Map<String, String> TENANTS = Map.of(
      "acme", "tier=gold;region=eu-west-1",
      "globex", "tier=silver;region=us-east-1");

  private static final ProcessorDescriptor DESCRIPTOR = ProcessorDescriptor.builder("lookup", "1.0.0")
      .title("Table lookup")
      .description(DESCRIPTION)
      .stable()
      .reads("*", "resource:*")
      .writes("*")
      .config(KEY, CSV_FILE, INLINE, KEY_COLUMN, COLUMNS, PREFIX, DEFAULTS, OVERWRITE,
          CASE_INSENSITIVE, MATCH, CACHE_SIZE, RELOAD_INTERVAL)
      .example(
          "Tenant facts from an inline table",
          Map.of("key", "tenant.id", "inline", TENANTS, "prefix", "tenant."),
          withAttributes(Item.span(), Map.of("tenant.id", "acme")),
          withAttributes(Item.span(), Map.of(
              "tenant.id", "acme", "tenant.tier", "gold", "tenant.region", "eu-west-1")))
      .example(
          "An unknown tenant gets the safe defaults",
          Map.of("key", "tenant.id", "inline", TENANTS, "prefix", "tenant.",
              "defaults", Map.of("tier", "free")),
          withAttributes(Item.log(), Map.of("tenant.id", "initech")),
          withAttributes(Item.log(), Map.of("tenant.id", "initech", "tenant.tier", "free")))
      .example(
          "Longest path prefix, ignoring case, only the team column",
          Map.of("key", "url.path", "match", "prefix", "caseInsensitive", true,
              "columns", List.of("team"),
              "inline", Map.of(
                  "/api", "team=platform;oncall=platform-oncall",
                  "/api/payments", "team=payments;oncall=payments-oncall")),
          withAttributes(Item.span(), Map.of("url.path", "/API/Payments/42")),
          withAttributes(Item.span(), Map.of("url.path", "/API/Payments/42", "team", "payments")))
      .example(
          "Existing attributes are kept; the key may be a resource attribute",
          Map.of("key", "resource:service.name",
              "inline", Map.of("checkout", "team=payments;tier=1")),
          withAttributes(withResource(Item.span(), Map.of("service.name", "checkout")),
              Map.of("team", "storefront")),
          withAttributes(withResource(Item.span(), Map.of("service.name", "checkout")),
              Map.of("team", "storefront", "tier", "1")))
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
    String key = c.get(KEY);
    String csvFile = c.get(CSV_FILE);
    boolean inline = c.isSet(INLINE);
    if (csvFile == null && !inline) {
      throw CSV_FILE.invalid("no table given: give it as 'csvFile' or 'inline'");
    }
    if (csvFile != null && inline) {
      throw CSV_FILE.invalid("give one table as 'csvFile' or 'inline', not both");
    }
    long reloadInterval = c.get(RELOAD_INTERVAL);
    if (reloadInterval != 0 && inline) {
      throw RELOAD_INTERVAL.invalid("only a csvFile can be reloaded");
    }
    if (reloadInterval != 0 && reloadInterval < 100) {
      throw RELOAD_INTERVAL.invalid(reloadInterval + " ms is too short (0 = off, or at least 100)");
    }
    if (inline && c.get(KEY_COLUMN) != null) {
      throw KEY_COLUMN.invalid("applies to csvFile only (inline keys are the map's keys)");
    }
    Table.Settings settings = new Table.Settings(
        c.get(KEY_COLUMN),
        c.get(COLUMNS),
        c.get(PREFIX),
        c.get(DEFAULTS),
        c.get(CASE_INSENSITIVE),
        "prefix".equals(c.get(MATCH)) ? Table.Match.PREFIX : Table.Match.EXACT,
        Math.toIntExact(c.get(CACHE_SIZE)));
    boolean overwrite = c.get(OVERWRITE);
    if (inline) {
      return new LookupProcessor(key, overwrite, TableLoader.fromInline(c.get(INLINE), settings));
    }
    String source = "csvFile '" + csvFile + "'";
    // The stamp first: a change while the file is read is then seen at the next look.
    String stamp = context.fileStamp(csvFile);
    Table table = TableLoader.fromCsv(context.readFile(csvFile), source, settings);
    return new LookupProcessor(key, overwrite, table, context, csvFile, source, settings, stamp,
        reloadInterval, context.stageName());
  }
}
