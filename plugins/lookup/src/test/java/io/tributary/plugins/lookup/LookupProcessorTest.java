package io.tributary.plugins.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.runtime.ConfigFiles;
import io.tributary.testkit.ProcessorTester;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LookupProcessorTest {

  @TempDir Path dir;

  /** Reads files in {@link #dir}, as a node reads them in its lookup dir. */
  private ProcessorTester tester;
  private ProcessorDescriptor descriptor;

  @BeforeEach
  void tester() {
    tester = ProcessorTester.of(new LookupProcessorFactory()).withFiles(dir);
    descriptor = tester.descriptor();
  }

  private static final String TENANTS = "tenant,tier,region,owner\r\n"
      + "acme,gold,eu-west-1,\"Acme, Inc.\"\r\n"
      + "globex,silver,,\"Globex \"\"the\"\" Corp\"\r\n"
      + "Initech,bronze,us-east-1,Initech\r\n";

  private Path csv(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private Processor create(Map<String, ?> config) {
    return tester.create(config);
  }

  /** Runs {@code item} through a strict one-stage pipeline (undeclared writes fail) and returns it. */
  private Item run(Map<String, ?> config, Item item) {
    return tester.run(config, item);
  }

  private static Item span(String key, Object value) {
    Item item = Item.span();
    item.attributes().putValue(key, value);
    return item;
  }

  private Map<String, Object> config(Path file, Object... more) {
    Map<String, Object> config = new HashMap<>();
    config.put("key", "tenant.id");
    config.put("csvFile", file.toString());
    for (int i = 0; i < more.length; i += 2) {
      config.put((String) more[i], more[i + 1]);
    }
    return config;
  }

  // ---------------------------------------------------------------- descriptor

  @Test
  void descriptor_examples_pass() {
    tester.verifyExamples();
  }

  @Test
  void descriptor_documents_every_config_key() {
    assertThat(descriptor.id()).isEqualTo("lookup");
    assertThat(descriptor.config()).allSatisfy(f -> assertThat(f.doc()).isNotBlank());
    assertThat(descriptor.configField("match").allowedValues()).containsExactly("exact", "prefix");
    assertThat(descriptor.config()).containsExactly(LookupProcessorFactory.KEY,
        LookupProcessorFactory.CSV_FILE, LookupProcessorFactory.INLINE, LookupProcessorFactory.KEY_COLUMN,
        LookupProcessorFactory.COLUMNS, LookupProcessorFactory.PREFIX, LookupProcessorFactory.DEFAULTS,
        LookupProcessorFactory.OVERWRITE, LookupProcessorFactory.CASE_INSENSITIVE,
        LookupProcessorFactory.MATCH, LookupProcessorFactory.CACHE_SIZE,
        LookupProcessorFactory.RELOAD_INTERVAL);
    assertThat(descriptor.requiredServices()).isEmpty();
  }

  // ---------------------------------------------------------------- CSV tables

  @Test
  void writes_every_column_but_the_key_from_a_csv_file() throws Exception {
    Item item = run(config(csv("t.csv", TENANTS), "prefix", "tenant."), span("tenant.id", "acme"));
    assertThat(item.attributes().asMap()).containsExactly(
        Map.entry("tenant.id", "acme"), Map.entry("tenant.tier", "gold"),
        Map.entry("tenant.region", "eu-west-1"), Map.entry("tenant.owner", "Acme, Inc."));
  }

  @Test
  void a_batch_is_enriched_as_its_items_are_one_by_one() throws Exception {
    Map<String, Object> config = config(csv("t.csv", TENANTS), "prefix", "tenant.");
    String[] tenants = {"acme", "acme", "globex", null, "acme", "nobody", "globex", "globex"};
    List<Item> batch = new java.util.ArrayList<>();
    List<Item> single = new java.util.ArrayList<>();
    for (String t : tenants) {
      batch.add(t == null ? Item.span() : span("tenant.id", t));
      single.add(t == null ? Item.span() : span("tenant.id", t));
    }
    single.get(1).attributes().put("tenant.tier", "kept"); // a run of equal keys, one already set
    batch.get(1).attributes().put("tenant.tier", "kept");

    tester.run(config, batch); // the engine hands the stage the batch: process(List)
    Processor p = tester.create(config);
    single.forEach(p::process);
    p.close();

    assertThat(batch).isEqualTo(single);
    assertThat(batch.get(1).attributes().getString("tenant.tier")).isEqualTo("kept");
    assertThat(batch.get(4).attributes().getString("tenant.tier")).isEqualTo("gold");
  }

  @Test
  void writes_only_the_chosen_columns_and_skips_empty_cells() throws Exception {
    Item item = run(config(csv("t.csv", TENANTS), "columns", List.of("owner", "region")),
        span("tenant.id", "globex"));
    assertThat(item.attributes().asMap()).containsExactly(
        Map.entry("tenant.id", "globex"), Map.entry("owner", "Globex \"the\" Corp"));
  }

  @Test
  void a_key_column_other_than_the_first_can_be_chosen() throws Exception {
    Item item = run(Map.of("key", "owner.name", "csvFile", csv("t.csv", TENANTS).toString(),
        "keyColumn", "owner", "columns", List.of("tenant")), span("owner.name", "Initech"));
    assertThat(item.attributes().getString("tenant")).isEqualTo("Initech");
  }

  @Test
  void a_miss_writes_the_defaults_and_so_does_an_empty_cell() throws Exception {
    Item miss = span("tenant.id", "umbrella");
    Item emptyCell = span("tenant.id", "globex");
    tester.run(config(csv("t.csv", TENANTS), "prefix", "tenant.",
        "defaults", Map.of("tier", "free", "region", "unknown")), List.of(miss, emptyCell));
    assertThat(miss.attributes().asMap()).containsExactly(Map.entry("tenant.id", "umbrella"),
        Map.entry("tenant.tier", "free"), Map.entry("tenant.region", "unknown"));

    assertThat(emptyCell.attributes().getString("tenant.region")).isEqualTo("unknown");
    assertThat(emptyCell.attributes().getString("tenant.tier")).isEqualTo("silver");
  }

  @Test
  void a_miss_without_defaults_and_an_item_without_the_key_are_left_alone() throws Exception {
    Map<String, Object> withDefaults = config(csv("t.csv", TENANTS), "defaults", Map.of("tier", "free"));
    Item noKey = span("other", "acme");
    Item blank = span("tenant.id", "");
    Item notText = span("tenant.id", 1.5);
    for (Item item : List.of(noKey, blank, notText)) {
      Item before = item.copy();
      run(withDefaults, item);
      assertThat(item).isEqualTo(before);
    }
    Item miss = run(config(csv("t2.csv", TENANTS)), span("tenant.id", "umbrella"));
    assertThat(miss.attributes().size()).isEqualTo(1);
  }

  @Test
  void integer_keys_are_looked_up_by_their_text() throws Exception {
    Item item = run(Map.of("key", "http.response.status_code",
        "csvFile", csv("codes.csv", "code,class\n404,client error\n503,server error\n").toString()),
        span("http.response.status_code", 503L));
    assertThat(item.attributes().getString("class")).isEqualTo("server error");
  }

  @Test
  void existing_attributes_are_kept_unless_overwrite_is_on() throws Exception {
    Path file = csv("t.csv", TENANTS);
    Item kept = span("tenant.id", "acme");
    kept.attributes().put("tier", "custom");
    run(config(file), kept);
    assertThat(kept.attributes().getString("tier")).isEqualTo("custom");

    Item replaced = span("tenant.id", "acme");
    replaced.attributes().put("tier", "custom");
    run(config(file, "overwrite", true), replaced);
    assertThat(replaced.attributes().getString("tier")).isEqualTo("gold");
  }

  @Test
  void case_insensitive_keys_match_any_case_and_are_cached() throws Exception {
    LookupProcessor p = (LookupProcessor) create(config(csv("t.csv", TENANTS), "caseInsensitive", true,
        "cacheSize", 4));
    for (String key : List.of("ACME", "acme", "initech", "InItEcH", "nobody")) {
      Item item = span("tenant.id", key);
      p.process(item);
      assertThat(item.attributes().contains("tier")).as(key).isEqualTo(!key.equals("nobody"));
    }
    assertThat(p.table().cachedEntries()).isBetween(1, 4);
  }

  @Test
  void the_cache_stays_bounded_and_exact_lookups_skip_it() throws Exception {
    LookupProcessor cached = (LookupProcessor) create(config(csv("t.csv", TENANTS), "match", "prefix",
        "cacheSize", 10));
    for (int i = 0; i < 1_000; i++) {
      cached.process(span("tenant.id", "acme-" + i));
    }
    assertThat(cached.table().cachedEntries()).isLessThanOrEqualTo(10);

    LookupProcessor exact = (LookupProcessor) create(config(csv("t2.csv", TENANTS)));
    assertThat(exact.table().cachedEntries()).isEqualTo(-1);
  }

  @Test
  void prefix_match_finds_the_longest_table_key() throws Exception {
    Map<String, Object> config = Map.of("key", "url.path", "match", "prefix", "csvFile",
        csv("routes.csv", "path,team\n/api,platform\n/api/payments,payments\n/api/pay,wrong\n").toString());
    Map<String, String> expected = Map.of("/api/payments/42", "payments", "/api/payments", "payments",
        "/api/users", "platform", "/apix", "platform", "/web", "");
    List<String> paths = new ArrayList<>(expected.keySet());
    List<Item> items = new ArrayList<>();
    paths.forEach(path -> items.add(span("url.path", path)));
    tester.run(config, items);
    for (int i = 0; i < paths.size(); i++) {
      assertThat(String.valueOf(items.get(i).attributes().getString("team")).replace("null", ""))
          .as(paths.get(i)).isEqualTo(expected.get(paths.get(i)));
    }
  }

  @Test
  void the_key_may_be_a_resource_attribute() throws Exception {
    Item item = Item.log();
    item.resource().put("tenant.id", "acme");
    run(Map.of("key", "resource:tenant.id", "csvFile", csv("t.csv", TENANTS).toString()), item);
    assertThat(item.attributes().getString("tier")).isEqualTo("gold");
  }

  // ---------------------------------------------------------------- malformed tables, bad config

  @Test
  void a_malformed_csv_names_the_file_and_line() throws Exception {
    Path file = csv("bad.csv", "tenant,tier\nacme,gold\nglobex,\"silver\nx,y\n");
    assertThatThrownBy(() -> create(config(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("csvFile '" + file + "' line 3: a quoted field is not closed before the end of the file");
  }

  @Test
  void a_row_with_the_wrong_number_of_fields_names_its_line() throws Exception {
    Path file = csv("bad.csv", "tenant,tier,region\r\nacme,gold,eu\r\nglobex,silver\r\n");
    assertThatThrownBy(() -> create(config(file)))
        .hasMessage("csvFile '" + file + "' line 3: 2 fields, but the header has 3");
  }

  @Test
  void duplicate_keys_name_both_lines() throws Exception {
    Path file = csv("dup.csv", "tenant,tier\nacme,gold\nACME,silver\n");
    assertThat(create(config(file))).isNotNull(); // different case: two keys
    assertThatThrownBy(() -> create(config(file, "caseInsensitive", true)))
        .hasMessage("csvFile '" + file + "' line 3: duplicate key (first at csvFile '" + file
            + "' line 2, keys compared ignoring case)");
  }

  @Test
  void header_problems_are_reported() throws Exception {
    assertThatThrownBy(() -> create(config(csv("empty.csv", "\n\n"))))
        .hasMessageContaining("empty.csv").hasMessageContaining("the file is empty");
    assertThatThrownBy(() -> create(config(csv("one.csv", "tenant\nacme\n"))))
        .hasMessageContaining("line 1: the header names only the key column");
    assertThatThrownBy(() -> create(config(csv("twice.csv", "tenant,tier,tier\n"))))
        .hasMessageContaining("line 1: column 3 has the name of column 2");
    assertThatThrownBy(() -> create(config(csv("noname.csv", "tenant,,tier\n"))))
        .hasMessageContaining("line 1: a column has no name");
    assertThatThrownBy(() -> create(config(csv("emptykey.csv", "tenant,tier\n,gold\n"))))
        .hasMessageContaining("emptykey.csv' line 2: the key (column 1) is empty");
  }

  @Test
  void messages_about_a_file_never_quote_what_it_holds() throws Exception {
    String secret = "trb_S3CRET-header-value";
    Path file = csv("secret.csv", secret + ",x-" + secret + "\n" + secret + "-row,v\n" + secret + "-row,w\n");
    List<Map<String, Object>> configs = List.of(
        config(file, "keyColumn", "zz"),
        config(file, "columns", List.of("nope")),
        config(file, "defaults", Map.of("nope", "d")),
        config(file, "prefix", " "),
        config(file));
    for (Map<String, Object> config : configs) {
      assertThatThrownBy(() -> create(config)).as("%s", config)
          .isInstanceOf(IllegalArgumentException.class)
          .message().doesNotContain("S3CRET").contains("secret.csv");
    }
    assertThatThrownBy(() -> create(config(file, "keyColumn", "zz")))
        .hasMessageEndingWith("is not a column of csvFile '" + file + "' (its header has 2 columns)");
    assertThatThrownBy(() -> create(config(csv("twice.csv", secret + "," + secret + "\n"))))
        .message().doesNotContain("S3CRET");
    assertThatThrownBy(() -> create(config(csv("quote.csv", "a,b\n\"x\"" + secret + ",y\n"))))
        .message().doesNotContain("S3CRET").contains("line 2");
  }

  @Test
  void a_file_outside_the_host_directory_is_refused_by_the_host() throws Exception {
    Path outside = Files.createTempFile("outside", ".csv");
    try {
      Files.writeString(outside, "k,v\nsecret-row,1\n");
      assertThatThrownBy(() -> create(config(outside)))
          .isInstanceOf(ConfigFiles.ConfigFileException.class)
          .hasMessageContaining("outside the lookup dir");
      assertThatThrownBy(() -> create(Map.of("key", "k", "csvFile", "../" + outside.getFileName())))
          .hasMessageContaining("outside the lookup dir");
    } finally {
      Files.delete(outside);
    }
    // A node that allows no files refuses every csvFile; the processor needs no service for it.
    Map<String, Object> inside = config(csv("t.csv", TENANTS));
    assertThatThrownBy(() -> ProcessorTester.of(new LookupProcessorFactory()).create(inside))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reads no files");
    assertThatThrownBy(() -> ProcessorTester.of(new LookupProcessorFactory()).run(inside, Item.span()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reads no files");
  }

  @Test
  void invalid_utf8_and_missing_files_are_reported_with_the_key() throws Exception {
    Path latin1 = dir.resolve("latin1.csv");
    Files.write(latin1, new byte[] {'k', ',', 'v', '\n', 'a', ',', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> create(config(latin1))).hasMessageContaining("latin1.csv': not UTF-8 text");
    assertThatThrownBy(() -> create(config(dir.resolve("absent.csv"))))
        .hasMessageStartingWith("config file '").hasMessageContaining("absent.csv': no such file");
  }

  @Test
  void unusable_config_names_the_key() throws Exception {
    Path file = csv("t.csv", TENANTS);
    assertThatThrownBy(() -> create(Map.of("key", "tenant.id")))
        .hasMessageStartingWith("config 'csvFile': ").hasMessageContaining("'csvFile' or 'inline'");
    assertThatThrownBy(() -> create(Map.of("key", "tenant.id", "csvFile", file.toString(),
        "inline", Map.of("a", "b=c")))).hasMessageStartingWith("config 'csvFile': ")
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> create(config(file, "columns", List.of("tier", "colour"))))
        .hasMessageStartingWith("config 'columns': 'colour' is not a column of csvFile");
    assertThatThrownBy(() -> create(config(file, "columns", List.of("tenant"))))
        .hasMessageContaining("config 'columns': 'tenant' is not a value column (it is the key)");
    assertThatThrownBy(() -> create(config(file, "columns", List.of("tier"), "defaults", Map.of("region", "x"))))
        .hasMessageStartingWith("config 'defaults': 'region' is not among the columns written");
    assertThatThrownBy(() -> create(config(file, "keyColumn", "id")))
        .hasMessageStartingWith("config 'keyColumn': 'id' is not a column");
    assertThatThrownBy(() -> create(config(file, "reloadInterval", 5)))
        .hasMessage("config 'reloadInterval': 5 ms is too short (0 = off, or at least 100)");
    assertThatThrownBy(() -> create(Map.of("key", "k", "inline", Map.of("a", "b=c"), "keyColumn", "k")))
        .hasMessageStartingWith("config 'keyColumn': applies to csvFile only");
    assertThatThrownBy(() -> create(config(file, "prefix", "a b.")))
        .hasMessageStartingWith("config 'prefix'");
  }

  @Test
  void the_schema_checks_ranges_and_keys_before_the_factory_runs() throws Exception {
    Path file = csv("t.csv", TENANTS);
    assertThat(tester.configProblems(config(file, "cacheSize", -1)))
        .containsExactly("cacheSize: -1 is outside the range 0 to 1000000");
    assertThat(tester.configProblems(config(file, "cacheSize", 1_000_001))).singleElement()
        .asString().startsWith("cacheSize: ");
    assertThat(tester.configProblems(config(file, "cacheSize", 1_000_000))).isEmpty();
    assertThat(tester.configProblems(config(file, "reloadInterval", -100))).singleElement()
        .asString().startsWith("reloadInterval: ");
    for (String key : List.of("tenant id", "", "resource:", "tab\tkey", "resource: x")) {
      assertThat(tester.configProblems(config(file, "key", key))).as("'%s'", key).singleElement()
          .asString().startsWith("key: ");
    }
    for (String key : List.of("tenant.id", "resource:tenant.id", "a:b")) {
      assertThat(tester.configProblems(config(file, "key", key))).as(key).isEmpty();
    }
    assertThat(tester.configProblems(Map.of("csvFile", file.toString())))
        .containsExactly("key: a value is required");
    assertThat(tester.configProblems(config(file, "match", "suffix"))).singleElement()
        .asString().startsWith("match: ");
  }

  // ---------------------------------------------------------------- inline tables

  @Test
  void inline_tables_parse_pairs_with_escapes() {
    assertThat(TableLoader.parseCells(" tier = gold ; note=a\\;b\\=c;; ", "w"))
        .containsExactly(Map.entry("tier", "gold"), Map.entry("note", "a;b=c"));
    assertThatThrownBy(() -> TableLoader.parseCells("tier", "config 'inline' entry 'acme'"))
        .hasMessage("config 'inline' entry 'acme': 'tier' is not column=value (pairs are separated by ';')");
    assertThatThrownBy(() -> TableLoader.parseCells("=gold", "w")).hasMessageContaining("without a column name");
    assertThatThrownBy(() -> TableLoader.parseCells("a=1;a=2", "w")).hasMessageContaining("column 'a' is given twice");
  }

  @Test
  void inline_rows_may_name_different_columns() {
    Item b = run(Map.of("key", "tenant.id", "inline", Map.of("a", "tier=gold", "b", "region=eu"),
        "defaults", Map.of("tier", "free")), span("tenant.id", "b"));
    assertThat(b.attributes().asMap()).containsEntry("region", "eu").containsEntry("tier", "free");
  }

  // ---------------------------------------------------------------- reload

  @Test
  void reloads_a_changed_file_in_the_background() throws Exception {
    Path file = csv("t.csv", "tenant,tier\nacme,gold\n");
    LookupProcessor p = (LookupProcessor) create(config(file, "reloadInterval", 100));
    try {
      Files.writeString(file, "tenant,tier\nacme,platinum\nnew,silver\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      await(() -> p.reloads() == 1);
      Item item = span("tenant.id", "acme");
      p.process(item);
      assertThat(item.attributes().getString("tier")).isEqualTo("platinum");
      assertThat(p.table().size()).isEqualTo(2);

      // The stamp is remembered: an unchanged file is not read again; the next change is.
      Thread.sleep(400);
      assertThat(p.reloads()).isEqualTo(1);
      Files.writeString(file, "tenant,tier\nacme,diamond\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
      await(() -> p.reloads() == 2);
      Item again = span("tenant.id", "acme");
      p.process(again);
      assertThat(again.attributes().getString("tier")).isEqualTo("diamond");
    } finally {
      p.close();
    }
  }

  @Test
  void a_broken_reload_keeps_the_previous_table() throws Exception {
    Path file = csv("t.csv", "tenant,tier\nacme,gold\n");
    LookupProcessor p = (LookupProcessor) create(config(file, "reloadInterval", 100));
    try {
      Files.writeString(file, "tenant,tier\nacme,\"broken\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      await(() -> p.lastReloadError() != null);
      assertThat(p.lastReloadError()).contains("t.csv' line 2").contains("keeping the table loaded before");
      Item item = span("tenant.id", "acme");
      p.process(item);
      assertThat(item.attributes().getString("tier")).isEqualTo("gold");

      Files.writeString(file, "tenant,tier\nacme,fixed\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
      await(() -> p.reloads() == 1);
      assertThat(p.lastReloadError()).isNull();
    } finally {
      p.close();
    }
  }

  @Test
  void reload_is_refused_for_inline_tables() {
    assertThatThrownBy(() -> create(Map.of("key", "k", "inline", Map.of("a", "b=c"), "reloadInterval", 1000)))
        .hasMessage("config 'reloadInterval': only a csvFile can be reloaded");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }

  // ---------------------------------------------------------------- engine, threads

  @Test
  void runs_through_the_engine_with_declared_writes_enforced() throws Exception {
    Item hit = span("tenant.id", "acme");
    Item miss = span("tenant.id", "nobody");
    Item missBefore = miss.copy();
    tester.run(config(csv("t.csv", TENANTS), "prefix", "tenant."), List.of(hit, miss));
    assertThat(hit.attributes().getString("tenant.tier")).isEqualTo("gold");
    assertThat(miss).isEqualTo(missBefore);
  }

  @Test
  void concurrent_lookups_during_reloads_see_whole_tables() throws Exception {
    Path file = csv("t.csv", "tenant,a,b\nx,1,1\n");
    LookupProcessor p = (LookupProcessor) create(config(file, "reloadInterval", 100,
        "caseInsensitive", true, "cacheSize", 8));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800);
          while (System.nanoTime() < end) {
            Item item = span("tenant.id", "X");
            p.process(item);
            // Both columns always come from the same version of the file.
            if (!item.attributes().getString("a").equals(item.attributes().getString("b"))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (int version = 2; version <= 4; version++) {
        Thread.sleep(200);
        Files.writeString(file, "tenant,a,b\nx," + version + "," + version + "\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + version * 10_000L));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
      }
      await(() -> p.reloads() >= 1);
    } finally {
      pool.shutdownNow();
      p.close();
    }
  }
}
