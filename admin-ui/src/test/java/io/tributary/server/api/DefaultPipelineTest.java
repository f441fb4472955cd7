package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline a fresh install runs compiles with no warning: a warning nobody can act on teaches
 * operators to ignore warnings. The built-ins declare precisely (keys chosen in configuration,
 * redactions) so that the compiler has nothing to say about them; what it does say about a stage
 * added after them names a move that clears it.
 */
class DefaultPipelineTest {

  @TempDir Path dir;

  private static List<String> warnings(JsonNode check) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : check.get("diagnostics")) {
      if (!d.get("severity").asText().equals("info")) {
        out.add(d.toString());
      }
    }
    return out;
  }

  @Test
  void the_default_pipeline_compiles_with_no_warning_and_a_later_writer_is_told_what_to_move()
      throws Exception {
    try (TestNode node = TestNode.start(dir.resolve("data"))) {
      JsonNode current = node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN).json();
      List<Object> stages = new ArrayList<>();
      current.get("stages").forEach(s -> stages.add(TestNode.JSON.convertValue(s, Map.class)));
      assertThat(stages).extracting(s -> (Object) ((Map<?, ?>) s).get("processor"))
          .containsExactly("correlation", "semconv-upgrade", "environment", "pii-redaction");

      TestNode.Response check = node.call("POST", "/api/v1/environments/dev/pipeline/check",
          TestNode.ADMIN_TOKEN, Map.of("stages", stages));
      assertThat(check.status()).as(check.toString()).isEqualTo(200);
      assertThat(check.json().get("compiles").asBoolean()).isTrue();
      assertThat(warnings(check.json())).isEmpty();

      // A second environment stage after the redaction, adding a configured tag: the compiler says
      // what clashes, and every warning names the move that clears it.
      List<Object> more = new ArrayList<>(stages);
      more.add(Map.of("name", "late-tags", "processor", "environment",
          "config", Map.of("tags", Map.of("user.email", "x"))));
      TestNode.Response late = node.call("POST", "/api/v1/environments/dev/pipeline/check",
          TestNode.ADMIN_TOKEN, Map.of("stages", more));
      List<String> lateWarnings = warnings(late.json());
      assertThat(lateWarnings).anySatisfy(w -> assertThat(w)
          .contains("writes 'user.email'").contains("after 'pii-redaction' redacts")
          .contains("move 'late-tags' before 'pii-redaction'"));
      assertThat(lateWarnings).allSatisfy(w -> assertThat(w).contains("move '"));
    }
  }
}
