package dev.penstock.engine.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.ConflictException;
import dev.penstock.model.NotFoundException;
import dev.penstock.store.ApiKey;
import dev.penstock.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys are shown once, stored salted, checked against the store each time, revoked at once. */
class ApiKeysTest {
  @TempDir Path directory;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
  private JdbcStores stores;
  private ApiKeys keys;

  @BeforeEach
  void open() {
    stores = JdbcStores.open("jdbc:sqlite:" + directory.resolve("penstock.db"), null, null);
    keys = new ApiKeys(stores.apiKeys(), now::get);
  }

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void a_created_key_signs_in_and_only_its_salted_hash_is_stored() {
    var issued = keys.create(ApiKey.Scope.READ_ONLY, "ci reader");

    assertThat(issued.key()).matches("pk-[0-9a-f]{12}-[0-9a-f]{40}");
    assertThat(keys.authenticate(issued.key())).map(ApiKey::id).contains(issued.stored().id());
    ApiKey stored = stores.apiKeys().findKey(issued.stored().id()).orElseThrow();
    assertThat(stored.keyHash())
        .doesNotContain(issued.key())
        .isNotEqualTo(ApiKeys.sha256(issued.key()));
    assertThat(stored.salt()).hasSize(32);
    assertThat(issued.key()).startsWith(stored.prefix()).endsWith(stored.suffix());
    assertThat(stored.tag()).isEqualTo("ci reader");
  }

  @Test
  void a_wrong_secret_with_a_real_id_is_refused() {
    String key = keys.create(ApiKey.Scope.ADMIN, null).key();
    String forged = key.substring(0, key.length() - 1) + (key.endsWith("0") ? "1" : "0");

    assertThat(keys.authenticate(forged)).isEmpty();
    assertThat(keys.authenticate("")).isEmpty();
    assertThat(keys.authenticate("pk-nonsense")).isEmpty();
  }

  @Test
  void a_revoked_key_is_refused_at_once_but_the_last_admin_key_stays() {
    var admin = keys.create(ApiKey.Scope.ADMIN, "first");
    var reader = keys.create(ApiKey.Scope.READ_ONLY, "reader");

    keys.revoke(reader.stored().id());

    assertThat(keys.authenticate(reader.key())).isEmpty();
    assertThatThrownBy(() -> keys.revoke(reader.stored().id()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> keys.revoke(admin.stored().id()))
        .isInstanceOf(ConflictException.class);
    assertThat(keys.authenticate(admin.key())).isPresent();
  }

  @Test
  void a_first_start_generates_an_admin_key_once_and_a_chosen_key_is_added_when_new() {
    var generated = keys.ensureAdminKey(null).orElseThrow();
    assertThat(generated.stored().scope()).isEqualTo(ApiKey.Scope.ADMIN);
    assertThat(keys.ensureAdminKey(null)).as("not again").isEmpty();

    String chosen = "operator-chosen-key-1234";
    var added = keys.ensureAdminKey(chosen).orElseThrow();
    assertThat(added.stored().salt()).as("found by its hash").isEmpty();
    assertThat(keys.ensureAdminKey(chosen)).as("already there").isEmpty();
    assertThat(keys.authenticate(chosen)).map(ApiKey::id).contains(added.stored().id());
    assertThat(keys.authenticate(generated.key())).as("the old key still works").isPresent();
    assertThat(keys.list()).hasSize(2);
  }

  @Test
  void the_last_use_is_written_at_most_once_a_minute() {
    var issued = keys.create(ApiKey.Scope.READ_ONLY, null);
    Instant first = now.get();

    keys.authenticate(issued.key());
    now.set(first.plus(Duration.ofSeconds(30)));
    keys.authenticate(issued.key());
    assertThat(stores.apiKeys().findKey(issued.stored().id()).orElseThrow().lastUsedAt())
        .isEqualTo(first);

    now.set(first.plus(Duration.ofMinutes(2)));
    keys.authenticate(issued.key());
    assertThat(stores.apiKeys().findKey(issued.stored().id()).orElseThrow().lastUsedAt())
        .isEqualTo(now.get());
  }
}
