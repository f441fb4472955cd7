package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a processor or a crash can leave behind never breaks the file or the writes after it. */
class RotatingJsonlFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void text_that_is_not_valid_utf16_is_written_as_the_replacement_character_and_later_lines_follow() throws Exception {
    try (RotatingJsonlFile file = new RotatingJsonlFile(dir, "out", 1 << 20, Clock.systemUTC())) {
      // A processor that cut a string between the halves of a surrogate pair leaves one alone.
      String cut = "\ud83d\ude00".substring(0, 1);
      file.write(List.of(JSON.createObjectNode().put("v", "a" + cut + "b").toString()));
      file.write(List.of("{\"v\":\"later\"}"));
    }

    List<String> lines = strictLines(dir.resolve("out.jsonl"));
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines.get(0)).get("v").asText()).isEqualTo("a\uFFFDb");
    assertThat(JSON.readTree(lines.get(1)).get("v").asText()).isEqualTo("later");
  }

  @Test
  void a_line_a_crash_cut_short_is_ended_so_the_next_lines_parse_on_their_own() throws Exception {
    Files.writeString(dir.resolve("out.jsonl"), "{\"v\":\"whole\"}\n{\"v\":\"cut sh");
    try (RotatingJsonlFile file = new RotatingJsonlFile(dir, "out", 1 << 20, Clock.systemUTC())) {
      file.write(List.of("{\"v\":\"next\"}"));
    }

    List<String> lines = strictLines(dir.resolve("out.jsonl"));
    assertThat(lines).containsExactly("{\"v\":\"whole\"}", "{\"v\":\"cut sh", "{\"v\":\"next\"}");
  }

  @Test
  void a_failed_write_writes_nothing_and_the_next_write_after_the_cause_is_gone_succeeds() throws Exception {
    Path blocked = dir.resolve("sub");
    Files.writeString(blocked, "a file where the directory must go");
    try (RotatingJsonlFile file = new RotatingJsonlFile(blocked, "out", 1 << 20, Clock.systemUTC())) {
      assertThatThrownBy(() -> file.write(List.of("{\"v\":1}"))).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("out.jsonl");
      Files.delete(blocked);
      file.write(List.of("{\"v\":2}"));
    }
    assertThat(strictLines(blocked.resolve("out.jsonl"))).containsExactly("{\"v\":2}");
  }

  private static List<String> strictLines(Path file) throws Exception {
    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    assertThat(text).endsWith("\n");
    return List.of(text.split("\n"));
  }
}
