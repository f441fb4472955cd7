package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.CatalogException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PrincipalsTest extends StoreTest {

  @Test
  void an_issued_token_is_shown_once_and_stored_only_as_its_hash() throws Exception {
    IssuedToken issued = catalog.principals().issue("ci", Role.OPERATOR, false, null, "admin");
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
    IssuedToken issued = catalog.principals().issue("ci", Role.OPERATOR, true, null, "admin");
    Principal p = catalog.principals().authenticate(issued.token()).orElseThrow();
    assertThat(p.name()).isEqualTo("ci");
    assertThat(p.role()).isEqualTo(Role.OPERATOR);
    assertThat(p.approver()).isTrue();
    assertThat(p.lastUsedAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
    assertThat(catalog.principals().get(p.id()).orElseThrow().lastUsedAt()).isEqualTo(p.lastUsedAt());
  }

  @Test
  void last_use_is_written_at_most_once_a_minute() {
    IssuedToken issued = catalog.principals().issue("ci", Role.VIEWER, false, null, "admin");
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

    IssuedToken revoked = catalog.principals().issue("old", Role.ADMIN, false, null, "admin");
    Principal r = catalog.principals().revoke(revoked.principal().id(), "admin");
    assertThat(r.revokedAt()).isNotNull();
    assertThat(catalog.principals().authenticate(revoked.token())).isEmpty();

    IssuedToken expiring =
        catalog.principals().issue("temp", Role.VIEWER, false, clock.instant().plus(Duration.ofHours(1)), "admin");
    assertThat(catalog.principals().authenticate(expiring.token())).isPresent();
    clock.advance(Duration.ofHours(1));
    assertThat(catalog.principals().authenticate(expiring.token())).isEmpty();
  }

  @Test
  void revoking_is_audited_once_and_unknown_ids_are_not_found() {
    IssuedToken t = catalog.principals().issue("x", Role.VIEWER, false, null, "admin");
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
    IssuedToken first = catalog.principals().issue("ci", Role.VIEWER, false, null, "admin");
    assertThatThrownBy(() -> catalog.principals().issue("ci", Role.ADMIN, false, null, "admin"))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    catalog.principals().revoke(first.principal().id(), "admin");
    assertThat(catalog.principals().issue("ci", Role.ADMIN, false, null, "admin").principal().role()).isEqualTo(Role.ADMIN);
    assertThat(catalog.principals().list()).hasSize(2);
    assertThatThrownBy(() -> catalog.principals().issue(" ", Role.ADMIN, false, null, "admin"))
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
    assertThat(catalog.principals().bootstrap("preset-admin-token-0123456789", file)).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(catalog.principals().authenticate("preset-admin-token-0123456789")).isPresent();
  }

  @Test
  void bootstrap_does_nothing_once_any_principal_exists() {
    catalog.principals().issue("someone", Role.VIEWER, false, null, "x");
    assertThat(catalog.principals().bootstrap(null, dataDir.resolve("admin.token"))).isEmpty();
    assertThat(catalog.principals().list()).extracting(Principal::name).containsExactly("someone");
  }
}
