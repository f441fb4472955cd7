package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.CatalogException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrincipalsTest extends StoreTest {

  @Test
  void an_issued_token_is_shown_once_and_stored_only_as_its_hash() throws Exception {
    IssuedToken issued = catalog.principals().issue("ci", Role.OPERATOR, false, null, null);
    assertThat(issued.token()).startsWith("trb_").hasSizeGreaterThan(40);
    assertThat(issued.toString()).doesNotContain(issued.token());
    String stored = queryString("SELECT token_hash FROM principals WHERE id = ?", issued.principal().id());
    assertThat(stored).hasSize(64).doesNotContain(issued.token());
    assertThat(queryString("SELECT COUNT(*) FROM principals WHERE token_hash LIKE 'trb_%'")).isEqualTo("0");
    assertThat(catalog.audit().query(AuditQuery.all()).get(0))
        .satisfies(e -> {
          assertThat(e.action()).isEqualTo("token.created");
          assertThat(e.target()).isEqualTo("token:" + issued.principal().id());
          assertThat(e.after()).doesNotContain(issued.token());
        });
  }

  @Test
  void a_token_authenticates_its_principal_and_records_last_use() {
    IssuedToken issued = catalog.principals().issue("ci", Role.OPERATOR, true, null, null);
    Principal p = catalog.principals().authenticate(issued.token()).orElseThrow();
    assertThat(p.name()).isEqualTo("ci");
    assertThat(p.role()).isEqualTo(Role.OPERATOR);
    assertThat(p.approver()).isTrue();
    assertThat(p.lastUsedAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
    assertThat(catalog.principals().get(p.id()).orElseThrow().lastUsedAt()).isEqualTo(p.lastUsedAt());
  }

  @Test
  void last_use_is_written_at_most_once_a_minute() {
    IssuedToken issued = catalog.principals().issue("ci", Role.VIEWER, false, null, null);
    Instant first = catalog.principals().authenticate(issued.token()).orElseThrow().lastUsedAt();
    clock.advance(Duration.ofSeconds(30));
    catalog.principals().authenticate(issued.token());
    assertThat(catalog.principals().get(issued.principal().id()).orElseThrow().lastUsedAt()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(31));
    catalog.principals().authenticate(issued.token());
    assertThat(catalog.principals().get(issued.principal().id()).orElseThrow().lastUsedAt()).isAfter(first);
  }

  @Test
  void unknown_revoked_and_expired_tokens_do_not_authenticate() {
    assertThat(catalog.principals().authenticate("trb_nothing")).isEmpty();
    assertThat(catalog.principals().authenticate("")).isEmpty();
    assertThat(catalog.principals().authenticate(null)).isEmpty();

    catalog.principals().issue("root", Role.ADMIN, false, null, null);
    IssuedToken revoked = catalog.principals().issue("old", Role.ADMIN, false, null, null);
    Principal r = catalog.principals().revoke(revoked.principal().id(), "admin");
    assertThat(r.revokedAt()).isNotNull();
    assertThat(catalog.principals().authenticate(revoked.token())).isEmpty();

    IssuedToken expiring =
        catalog.principals().issue("temp", Role.VIEWER, false, clock.instant().plus(Duration.ofHours(1)), null);
    assertThat(catalog.principals().authenticate(expiring.token())).isPresent();
    clock.advance(Duration.ofHours(1));
    assertThat(catalog.principals().authenticate(expiring.token())).isEmpty();
  }

  @Test
  void revoking_is_audited_once_and_unknown_ids_are_not_found() {
    IssuedToken t = catalog.principals().issue("x", Role.VIEWER, false, null, null);
    catalog.principals().revoke(t.principal().id(), "root");
    catalog.principals().revoke(t.principal().id(), "root");
    assertThat(catalog.audit().query(new AuditQuery(null, null, "token.revoked", null, null, 10, 0)))
        .singleElement()
        .satisfies(e -> assertThat(e.actor()).isEqualTo("root"));
    assertThatThrownBy(() -> catalog.principals().revoke(999, "root"))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void names_are_unique_among_active_principals() {
    IssuedToken first = catalog.principals().issue("ci", Role.VIEWER, false, null, null);
    assertThatThrownBy(() -> catalog.principals().issue("ci", Role.ADMIN, false, null, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    catalog.principals().revoke(first.principal().id(), "admin");
    assertThat(catalog.principals().issue("ci", Role.ADMIN, false, null, null).principal().role()).isEqualTo(Role.ADMIN);
    assertThat(catalog.principals().list()).hasSize(2);
    assertThatThrownBy(() -> catalog.principals().issue(" ", Role.ADMIN, false, null, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
  }

  @Test
  void bootstrap_generates_an_admin_token_in_a_file_only_its_owner_can_read() throws Exception {
    Path file = dataDir.resolve("admin.token");
    assertThat(catalog.principals().bootstrap(null, file)).contains(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    String token = Files.readString(file).trim();
    Principal admin = catalog.principals().authenticate(token).orElseThrow();
    assertThat(admin.name()).isEqualTo("admin");
    assertThat(admin.role()).isEqualTo(Role.ADMIN);
    assertThat(admin.approver()).isTrue();

    Files.delete(file);
    assertThat(catalog.principals().bootstrap(null, file)).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(catalog.principals().list()).hasSize(1);
  }

  @Test
  void bootstrap_uses_a_preset_token_and_writes_no_file() {
    Path file = dataDir.resolve("admin.token");
    assertThat(catalog.principals().bootstrap("preset-admin-token-0123456789abcdef", file)).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(catalog.principals().authenticate("preset-admin-token-0123456789abcdef")).isPresent();
  }

  @Test
  void bootstrap_does_nothing_once_any_principal_exists() {
    catalog.principals().issue("someone", Role.VIEWER, false, null, null);
    assertThat(catalog.principals().bootstrap(null, dataDir.resolve("admin.token"))).isEmpty();
    assertThat(catalog.principals().list()).extracting(Principal::name).containsExactly("someone");
  }

  @Test
  void names_with_invisible_or_look_alike_characters_are_refused() {
    for (String bad : List.of("admin\u200B", "\u202Eadmin", "adm\u0456n", "admin ", "a\u00ADdmin", "x".repeat(65),
        "-admin", "ad min")) {
      assertThatThrownBy(() -> catalog.principals().issue(bad, Role.ADMIN, true, null, null))
          .as(bad)
          .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
    }
    assertThatThrownBy(() -> catalog.principals().issue("admin\u200B", Role.ADMIN, true, null, null))
        .hasMessageContaining("U+200B (ZERO WIDTH SPACE)");
    catalog.principals().issue("Alice.Ops@example-1_x", Role.VIEWER, false, null, null);
    assertThatThrownBy(() -> catalog.principals().issue("alice.ops@EXAMPLE-1_x", Role.VIEWER, false, null, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
  }

  @Test
  void an_expiry_in_the_past_is_refused() {
    assertThatThrownBy(() -> catalog.principals().issue("late", Role.VIEWER, false, clock.instant().minusSeconds(1), null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
  }

  @Test
  void the_last_active_admin_cannot_be_revoked() {
    Principal root = catalog.principals().issue("root", Role.ADMIN, true, null, null).principal();
    Principal ops = catalog.principals().issue("ops", Role.ADMIN, false, null, root).principal();
    catalog.principals().revoke(ops.id(), "root");
    assertThatThrownBy(() -> catalog.principals().revoke(root.id(), "root"))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(e.getMessage()).contains("last active admin").contains("reset-admin");
        });
    assertThat(catalog.principals().get(root.id()).orElseThrow().revokedAt()).isNull();
  }

  @Test
  void reset_admin_creates_a_new_audited_admin_next_to_the_others() {
    catalog.principals().issue("root", Role.ADMIN, true, null, null);
    IssuedToken recovered = catalog.principals().resetAdmin("recovery", "reset-admin (command line)", "lost token");
    assertThat(catalog.principals().authenticate(recovered.token()).orElseThrow().role()).isEqualTo(Role.ADMIN);
    assertThat(recovered.principal().approver()).isFalse();
    assertThat(catalog.audit().query(new AuditQuery(null, null, "admin.reset", null, null, 10, 0)))
        .singleElement()
        .satisfies(e -> {
          assertThat(e.actor()).isEqualTo("reset-admin (command line)");
          assertThat(e.reason()).isEqualTo("lost token");
          assertThat(e.after()).doesNotContain(recovered.token());
        });
  }

  @Test
  void a_short_preset_admin_token_is_refused() {
    assertThatThrownBy(() -> catalog.principals().bootstrap("short-token-0123456789", dataDir.resolve("t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32");
    assertThat(catalog.principals().list()).isEmpty();
  }
}
