package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import io.tributary.server.api.TestNode.Response;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 items 1 and 2 as the attack: candidate lookup stages that name files the server can
 * read but the caller must not (the admin token, the catalog key, the process environment,
 * /etc/shadow), escapes from the lookup dir, a device, a FIFO and an oversized file. A viewer may
 * not send a candidate at all; an operator's is audited and every such name answers a compile
 * error that quotes nothing the file holds, within a bounded time. A CSV inside the lookup dir
 * still works, reloading included; request size, stage count and request rate are bounded.
 */
class ConfigFileAttackTest {

  private static final String ADMIN_SECRET = "trb_ADMIN-TOKEN-7f3a9c1e5b2d4086aa";

  @TempDir Path dataDir;

  private static Map<String, Object> lookupStage(String csvFile, Object... more) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("key", "k");
    config.put("csvFile", csvFile);
    config.put("keyColumn", "zz");
    for (int i = 0; i < more.length; i += 2) {
      config.put((String) more[i], more[i + 1]);
    }
    return Map.of("name", "steal", "processor", "lookup", "config", config);
  }

  private static Map<String, Object> candidate(Map<String, Object> stage) {
    return Map.of("stages", List.of(stage));
  }

  private static Map<String, Object> sampleItems() {
    return Map.of("items", List.of(Map.of("kind", "span", "name", "x", "attributes", Map.of("k", "acme"))));
  }

  @Test
  void configured_files_are_read_only_inside_the_lookup_dir_and_never_quoted() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Path lookup = dataDir.resolve("lookup");
      assertThat(lookup).isDirectory();
      // Files an attacker wants: an admin token file, the catalog key, the process environment.
      Path adminToken = Files.writeString(dataDir.resolve("admin.token"), ADMIN_SECRET + "\n");
      Path secretKey = dataDir.resolve("secret.key");
      assertThat(secretKey).exists();
      String keyText = Files.readString(secretKey).strip();
      Path fifo = lookup.resolve("pipe.csv");
      Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
      assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
      Files.createSymbolicLink(lookup.resolve("link.csv"), adminToken);
      Files.createSymbolicLink(lookup.resolve("zero.csv"), Path.of("/dev/zero"));
      Files.createDirectories(lookup.resolve("sub"));
      Files.createSymbolicLink(lookup.resolve("up"), dataDir);
      try (RandomAccessFile big = new RandomAccessFile(lookup.resolve("big.csv").toFile(), "rw")) {
        big.setLength(65L * 1024 * 1024); // sparse: above the 64 MiB default without writing it
      }

      String viewer = node.token("vera", "viewer", false);
      String operator = node.token("otto", "operator", false);
      String simulator = node.token("sim", "operator", false); // a second allowance of expensive requests

      // A viewer sends no candidate pipeline at all: check and simulate with stages are 403.
      Response viewerCheck = node.call("POST", "/api/v1/environments/dev/pipeline/check", viewer,
          candidate(lookupStage(adminToken.toString())));
      assertThat(viewerCheck.status()).isEqualTo(403);
      assertThat(viewerCheck.body()).doesNotContain(ADMIN_SECRET);
      Map<String, Object> viewerSim = new LinkedHashMap<>(sampleItems());
      viewerSim.put("stages", List.of(lookupStage(adminToken.toString())));
      Response viewerSimulate = node.call("POST", "/api/v1/environments/dev/simulate", viewer, viewerSim);
      assertThat(viewerSimulate.status()).isEqualTo(403);
      assertThat(viewerSimulate.json().get("message").asText()).contains("operator");

      List<String> names = List.of(
          adminToken.toString(), secretKey.toString(), "/proc/self/environ", "/etc/shadow", "/etc/passwd",
          "../admin.token", "../secret.key", "sub/../../admin.token", "../../../../../../proc/self/environ",
          lookup.resolve("../admin.token").toString(), "link.csv", "up/admin.token", "zero.csv", "/dev/zero",
          "pipe.csv", "sub", "big.csv", "absent.csv", "", "a\u0000b");
      for (String name : names) {
        long started = System.nanoTime();
        Response check = node.call("POST", "/api/v1/environments/dev/pipeline/check", operator,
            candidate(lookupStage(name)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        Map<String, Object> sim = new LinkedHashMap<>(sampleItems());
        sim.put("stages", List.of(lookupStage(name)));
        Response simulate = node.call("POST", "/api/v1/environments/dev/simulate", simulator, sim);
        for (Response r : List.of(check, simulate)) {
          assertThat(r.body()).as("%s", name).doesNotContain(ADMIN_SECRET).doesNotContain(keyText)
              .doesNotContain("root:").doesNotContain("TRIBUTARY_").doesNotContain("PATH=");
        }
        assertThat(millis).as("check of %s took %d ms", name, millis).isLessThan(5_000);
        if (name.indexOf('\0') >= 0) {
          // A NUL in any string of a request body is refused at the door, before any file is named.
          assertThat(check.status()).as("%s: %s", name, check).isEqualTo(400);
          assertThat(check.json().get("message").asText()).contains("csvFile").contains("NUL");
          assertThat(simulate.status()).isEqualTo(400);
          continue;
        }
        assertThat(check.status()).as("%s: %s", name, check).isEqualTo(200);
        assertThat(check.json().get("compiles").asBoolean()).as("%s", name).isFalse();
        String message = check.json().get("diagnostics").toString();
        assertThat(message).as("%s", name).contains("steal").containsAnyOf("config file", "config 'csvFile'");
        assertThat(simulate.status()).as("%s: %s", name, simulate).isIn(400, 422);
      }
      assertThat(node.call("POST", "/api/v1/environments/dev/pipeline/check", operator,
          candidate(lookupStage("../admin.token"))).json().get("diagnostics").toString())
          .contains("outside the lookup dir");
      assertThat(node.call("POST", "/api/v1/environments/dev/pipeline/check", operator,
          candidate(lookupStage("link.csv"))).json().get("diagnostics").toString())
          .contains("symbolic link");
      assertThat(node.call("POST", "/api/v1/environments/dev/pipeline/check", operator,
          candidate(lookupStage("pipe.csv"))).json().get("diagnostics").toString())
          .contains("not a regular file");
      assertThat(node.call("POST", "/api/v1/environments/dev/pipeline/check", operator,
          candidate(lookupStage("big.csv"))).json().get("diagnostics").toString())
          .contains("larger than the limit");

      // A file inside the lookup dir whose header is a secret: the diagnostic counts, never quotes.
      Files.writeString(lookup.resolve("secret-header.csv"), ADMIN_SECRET + ",v\nx,y\n");
      Response header = node.call("POST", "/api/v1/environments/dev/pipeline/check", operator,
          candidate(lookupStage("secret-header.csv")));
      assertThat(header.body()).doesNotContain(ADMIN_SECRET).contains("its header has 2 columns");

      // Every candidate an operator compiled is on the audit trail: who, where, a digest.
      JsonNode checked = node.get("/api/v1/audit?action=pipeline.checked&limit=1000", TestNode.ADMIN_TOKEN).json();
      assertThat(checked.size()).isGreaterThanOrEqualTo(names.size());
      assertThat(checked.get(0).get("actor").asText()).isEqualTo("otto");
      assertThat(checked.get(0).get("target").asText()).isEqualTo("env:dev");
      assertThat(checked.get(0).get("after").toString()).contains("candidateSha256").contains("lookup");
      // (The name with a NUL was refused as a body before anything was compiled.)
      assertThat(node.get("/api/v1/audit?action=pipeline.simulated&limit=1000", TestNode.ADMIN_TOKEN).json().size())
          .isGreaterThanOrEqualTo(names.size() - 1);
      assertThat(node.get("/api/v1/audit?limit=1000", TestNode.ADMIN_TOKEN).body()).doesNotContain(ADMIN_SECRET);
      // The viewer's refused attempts reached nothing: no candidate of vera's was compiled.
      assertThat(node.get("/api/v1/audit?action=pipeline.checked&actor=vera", TestNode.ADMIN_TOKEN).body())
          .doesNotContain("candidateSha256");
    }
  }

  @Test
  void a_csv_inside_the_lookup_dir_still_works_and_reloads() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Path csv = Files.writeString(dataDir.resolve("lookup").resolve("tenants.csv"), "tenant,tier\nacme,gold\n");
      String operator = node.token("otto", "operator", false);
      Map<String, Object> stage = Map.of("name", "tenants", "processor", "lookup", "config",
          Map.of("key", "k", "csvFile", "tenants.csv", "prefix", "tenant.", "reloadInterval", 100));
      Map<String, Object> sim = new LinkedHashMap<>(sampleItems());
      sim.put("stages", List.of(stage));
      Response simulated = node.call("POST", "/api/v1/environments/dev/simulate", operator, sim);
      assertThat(simulated.status()).as("%s", simulated).isEqualTo(200);
      assertThat(simulated.json().get("results").get(0).get("output").get("attributes").get("tenant.tier").asText())
          .isEqualTo("gold");

      // Written and running on the node: a change to the file is picked up in the background.
      JsonNode current = node.get("/api/v1/environments/dev/pipeline", operator).json();
      Response written = node.call("PUT", "/api/v1/environments/dev/pipeline", operator,
          Map.of("baseRevision", current.get("revision").asLong(), "stages", List.of(stage), "reason", "tenants"));
      assertThat(written.status()).as("%s", written).isEqualTo(200);
      long revision = written.json().get("revision").asLong();
      await(() -> node.node.pipelines().holder().current().revision() == revision);
      assertThat(tierOnTheNode(node)).isEqualTo("gold");
      Files.writeString(csv, "tenant,tier\nacme,platinum\n");
      Files.setLastModifiedTime(csv, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      await(() -> "platinum".equals(tierOnTheNode(node)));
    }
  }

  private static String tierOnTheNode(TestNode node) {
    Item item = Item.span();
    item.attributes().put("k", "acme");
    node.node.pipelines().holder().current().run(Batch.of(item));
    return item.attributes().getString("tenant.tier");
  }

  @Test
  void expensive_requests_are_bounded_in_size_stages_and_rate() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String operator = node.token("otto", "operator", false);
      String other = node.token("olga", "operator", false);
      String check = "/api/v1/environments/dev/pipeline/check";

      String huge = "{\"stages\": [], \"pad\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
      Response tooLarge = node.call("POST", check, operator, huge);
      assertThat(tooLarge.status()).isEqualTo(413);

      List<Map<String, Object>> many = new ArrayList<>();
      for (int i = 0; i < 101; i++) {
        many.add(Map.of("name", "s" + i, "processor", "environment"));
      }
      Response tooMany = node.call("POST", check, operator, Map.of("stages", many));
      assertThat(tooMany.status()).isEqualTo(400);
      assertThat(tooMany.json().get("message").asText()).contains("at most 100");
      Map<String, Object> items = new LinkedHashMap<>();
      items.put("items", java.util.Collections.nCopies(101, Map.of("kind", "span", "name", "x")));
      assertThat(node.call("POST", "/api/v1/environments/dev/simulate", operator, items).status()).isEqualTo(400);

      // One principal's burst runs out: 429 with Retry-After; another principal is not affected.
      Response limited = null;
      for (int i = 0; i < 100 && limited == null; i++) {
        Response r = node.call("POST", check, operator, Map.of("stages", List.of()));
        if (r.status() == 429) {
          limited = r;
        } else {
          assertThat(r.status()).isEqualTo(200);
        }
      }
      assertThat(limited).as("no 429 within 100 rapid checks").isNotNull();
      assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
      assertThat(limited.json().get("error").asText()).isEqualTo("too_many_requests");
      assertThat(node.call("POST", check, other, Map.of("stages", List.of())).status()).isEqualTo(200);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      Thread.sleep(50);
    }
  }
}
