package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded H2 catalog keeps every acknowledged write (WRITE_DELAY=0). */
class DurabilityTest {

  @TempDir Path dataDir;

  private CatalogSettings settings() {
    return new CatalogSettings(null, null, null, dataDir, StoreTest.KEY, Clock.systemUTC());
  }

  @Test
  void revisions_written_before_a_close_are_read_back_after_reopening() {
    try (Catalog catalog = Catalog.open(settings())) {
      for (int i = 0; i < 5; i++) {
        catalog.pipelines().write("staging", 1 + i, List.of(StoreTest.stage("c", Map.of("n", i))), "alice", "w" + i);
      }
    }
    try (Catalog reopened = Catalog.open(settings())) {
      assertThat(reopened.pipelines().current("staging").revision()).isEqualTo(6);
      assertThat(reopened.pipelines().revision("staging", 4).stages().get(0).config()).containsEntry("n", 2);
      assertThat(reopened.audit().verify().valid()).isTrue();
    }
  }

  @Test
  void every_acknowledged_revision_survives_kill_9_of_the_writing_process() throws Exception {
    // Create the catalog (and its key check) first, so the child only writes.
    Catalog.open(settings()).close();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DurabilityWriter.class.getName(),
                dataDir.toString(), StoreTest.KEY)
            .redirectError(dataDir.resolve("writer.err").toFile())
            .start();
    List<Long> acknowledged = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < 150 && (line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(Long.parseLong(line.substring(4)));
        }
      }
      child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no H2 close
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(acknowledged)
        .as("the writer acknowledged writes (its stderr is in writer.err)")
        .hasSize(150);
    try (Catalog reopened = Catalog.open(settings())) {
      long head = reopened.pipelines().heads().get("dev");
      assertThat(head).isGreaterThanOrEqualTo(acknowledged.get(acknowledged.size() - 1));
      for (long revision : acknowledged) {
        assertThat(reopened.pipelines().revision("dev", revision).reason()).isEqualTo("write " + (revision - 2));
      }
      AuditVerification verification = reopened.audit().verify();
      assertThat(verification.valid()).as(String.valueOf(verification.problem())).isTrue();
      assertThat(verification.events()).isEqualTo(3 + head - 1);
    }
  }
}
