package io.tributary.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.api.TestNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The admin token at start (a preset one must be long) and the recovery when none is left. */
class AdminRecoveryTest {

  @TempDir Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine commandLine(Map<String, String> environment, AtomicReference<Runnable> stop) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        if (type == ServeCommand.class) {
          return type.cast(new ServeCommand(environment, Optional.empty(), stop::set));
        }
        if (type == ResetAdminCommand.class) {
          return type.cast(new ResetAdminCommand(environment));
        }
        return CommandLine.defaultFactory().create(type);
      }
    };
    return Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), factory);
  }

  @Test
  void a_preset_admin_token_shorter_than_32_characters_is_refused_at_start() {
    AtomicReference<Runnable> stop = new AtomicReference<>();
    Path dataDir = temp.resolve("data");
    int status = commandLine(Map.of("TRIBUTARY_DATA_DIR", dataDir.toString(), "TRIBUTARY_ADMIN_TOKEN",
        "admin-password-123"), stop).execute("serve", "--admin-port", "0");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("TRIBUTARY_ADMIN_TOKEN has 18 characters")
        .contains("at least 32");
    assertThat(stop.get()).as("nothing started").isNull();
    assertThat(dataDir.resolve("catalog.mv.db")).doesNotExist();
  }

  @Test
  void reset_admin_on_a_stopped_node_creates_a_new_audited_admin_token_in_an_owner_only_file() throws Exception {
    Path dataDir = temp.resolve("data");
    try (TestNode node = TestNode.start(dataDir)) {
      node.token("alice", "operator", true);
    }
    Path tokenFile = temp.resolve("recovered/admin.token");
    int status = commandLine(Map.of(), new AtomicReference<>()).execute("reset-admin", "--data-dir",
        dataDir.toString(), "--token-file", tokenFile.toString(), "--reason", "admin token lost");
    assertThat(status).as("%s", err).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
    String token = Files.readString(tokenFile).trim();
    assertThat(out.toString()).contains("recovery-admin").doesNotContain(token);

    try (TestNode node = TestNode.start(dataDir)) {
      JsonNode me = node.get("/api/v1/me", token).json();
      assertThat(me.get("name").asText()).isEqualTo("recovery-admin");
      assertThat(me.get("role").asText()).isEqualTo("admin");
      assertThat(me.get("approver").asBoolean()).isFalse();
      JsonNode audit = node.get("/api/v1/audit?action=admin.reset", token).json();
      assertThat(audit).hasSize(1);
      assertThat(audit.get(0).get("actor").asText()).isEqualTo(ResetAdminCommand.ACTOR);
      assertThat(audit.get(0).get("reason").asText()).isEqualTo("admin token lost");
      assertThat(node.get("/api/v1/audit/verify", token).json().get("valid").asBoolean()).isTrue();
    }

    // Without --token-file the token is printed, once; a taken name is refused.
    out.getBuffer().setLength(0);
    assertThat(commandLine(Map.of(), new AtomicReference<>()).execute("reset-admin", "--data-dir",
        dataDir.toString(), "--name", "second-admin")).isZero();
    String printed = out.toString().lines().filter(l -> l.startsWith("trb_")).findFirst().orElseThrow();
    assertThat(commandLine(Map.of(), new AtomicReference<>()).execute("reset-admin", "--data-dir",
        dataDir.toString(), "--name", "Second-Admin")).isEqualTo(1);
    assertThat(err.toString()).contains("exists");
    try (TestNode node = TestNode.start(dataDir)) {
      assertThat(node.get("/api/v1/me", printed).json().get("name").asText()).isEqualTo("second-admin");
    }
  }
}
