package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.CatalogException.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecretsTest extends StoreTest {

  private static final String SECRET = "hunter2-very-secret";
  private static final Map<String, Object> SET = Map.of("set", true);

  @BeforeEach
  void registerProcessorWithSecret() {
    Descriptors.registerLookup(catalog, clock.instant());
  }

  private PipelineRevision writeSecret() {
    return catalog.pipelines()
        .write("dev", 1, List.of(stage("lookup", Map.of("apiKey", SECRET, "url", "https://x"))), "alice", null);
  }

  @Test
  void a_secret_is_encrypted_at_rest_and_decrypted_for_compiling() throws Exception {
    writeSecret();
    String raw = queryString("SELECT stages FROM pipeline_revisions WHERE env = 'dev' AND revision = 2");
    assertThat(raw).doesNotContain(SECRET).contains("$secret").contains("https://x");
    assertThat(catalog.pipelines().current("dev").stages().get(0).config())
        .containsEntry("apiKey", SECRET)
        .containsEntry("url", "https://x");
    assertThat(catalog.pipelines().revision("dev", 2).stages().get(0).config()).containsEntry("apiKey", SECRET);
  }

  @Test
  void each_encryption_uses_a_fresh_iv() throws Exception {
    writeSecret();
    catalog.pipelines().write("dev", 2, List.of(stage("lookup", Map.of("apiKey", SECRET))), "alice", null);
    String a = queryString("SELECT stages FROM pipeline_revisions WHERE env = 'dev' AND revision = 2");
    String b = queryString("SELECT stages FROM pipeline_revisions WHERE env = 'dev' AND revision = 3");
    assertThat(a.replaceAll(".*\"v1:([^\"]+)\".*", "$1")).isNotEqualTo(b.replaceAll(".*\"v1:([^\"]+)\".*", "$1"));
  }

  @Test
  void masked_views_history_and_audit_never_show_the_value() {
    PipelineRevision written = writeSecret();
    assertThat(catalog.pipelines().masked(written).stages().get(0).config())
        .containsEntry("apiKey", SET)
        .containsEntry("url", "https://x");
    assertThat(catalog.pipelines().history("dev").get(0).stages().get(0).config()).containsEntry("apiKey", SET);
    assertThat(catalog.audit().query(AuditQuery.all()))
        .allSatisfy(e -> {
          assertThat(String.valueOf(e.after())).doesNotContain(SECRET);
          assertThat(String.valueOf(e.before())).doesNotContain(SECRET);
        });
    assertThat(catalog.audit().query(AuditQuery.all()).get(0).after()).contains("{\"set\":true}");
  }

  @Test
  void set_true_keeps_the_base_revisions_value_for_the_stage_of_the_same_name() throws Exception {
    writeSecret();
    PipelineRevision kept =
        catalog.pipelines().write("dev", 2, List.of(stage("lookup", Map.of("apiKey", SET, "url", "https://y"))), "bob", null);
    assertThat(kept.stages().get(0).config()).containsEntry("apiKey", SECRET).containsEntry("url", "https://y");
    assertThat(queryString("SELECT stages FROM pipeline_revisions WHERE env = 'dev' AND revision = 3"))
        .doesNotContain(SECRET);
  }

  @Test
  void set_true_without_a_value_to_keep_is_refused_naming_stage_and_key() {
    assertThatThrownBy(
            () -> catalog.pipelines().write("dev", 1, List.of(stage("lookup", Map.of("apiKey", SET))), "bob", null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
        .hasMessageContaining("stage 'lookup'")
        .hasMessageContaining("'apiKey'");
    writeSecret();
    StageRecord renamed = new StageRecord("other", "lookup", null, true, Map.of("apiKey", SET), "skip");
    assertThatThrownBy(() -> catalog.pipelines().write("dev", 2, List.of(renamed), "bob", null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
        .hasMessageContaining("stage 'other'");
  }

  @Test
  void a_client_cannot_smuggle_in_an_encrypted_value() {
    assertThatThrownBy(
            () -> catalog.pipelines()
                .write("dev", 1, List.of(stage("lookup", Map.of("url", Map.of("$secret", "v1:AAAA")))), "bob", null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
  }

  @Test
  void a_rollback_restores_the_secret() {
    writeSecret();
    catalog.pipelines().write("dev", 2, List.of(stage("lookup", Map.of("apiKey", "new"))), "bob", null);
    PipelineRevision back = catalog.pipelines().rollback("dev", 3, 2, "carol", null);
    assertThat(back.stages().get(0).config()).containsEntry("apiKey", SECRET);
  }

  @Test
  void change_requests_store_secrets_encrypted_show_them_masked_and_apply_them() throws Exception {
    writeSecret();
    catalog.pipelines().write("prod", 1, List.of(stage("lookup", Map.of("apiKey", SECRET))), "alice", null);
    ChangeRequest cr =
        catalog.changeRequests()
            .submit("prod", 2, List.of(stage("lookup", Map.of("apiKey", SET, "url", "u"))), person("alice", false), "url");
    assertThat(cr.stages().get(0).config()).containsEntry("apiKey", SET);
    assertThat(catalog.changeRequests().get(cr.id()).stages().get(0).config()).containsEntry("apiKey", SET);
    assertThat(catalog.changeRequests().list(null).get(0).stages().get(0).config()).containsEntry("apiKey", SET);
    assertThat(queryString("SELECT stages FROM change_requests WHERE id = ?", cr.id())).doesNotContain(SECRET);
    catalog.changeRequests().approve(cr.id(), person("bob", true), "ok");
    assertThat(catalog.pipelines().current("prod").stages().get(0).config())
        .containsEntry("apiKey", SECRET)
        .containsEntry("url", "u");
    assertThat(catalog.audit().query(AuditQuery.all()))
        .allSatisfy(e -> assertThat(e.before() + " " + e.after()).doesNotContain(SECRET));
  }

  @Test
  void secrets_survive_reopening_with_the_same_key() {
    writeSecret();
    catalog.close();
    assertThat(open().pipelines().current("dev").stages().get(0).config()).containsEntry("apiKey", SECRET);
  }
}
