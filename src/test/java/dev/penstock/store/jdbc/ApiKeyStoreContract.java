package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.T0;
import static dev.penstock.store.jdbc.StoreFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.ConflictException;
import dev.penstock.store.ApiKey;
import dev.penstock.store.ApiKeyStore;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** ApiKeyStore: keys by id and by unsalted hash, listing, last use, and the last admin key. */
interface ApiKeyStoreContract {
  ApiKeyStore apiKeys();

  @Test
  default void keys_are_found_by_id_or_by_unsalted_hash_and_listed_newest_first() {
    assertThat(apiKeys().hasAdminKey()).isFalse();
    apiKeys().addKey(key("reader", ApiKey.Scope.READ_ONLY, "s4lt", T0));
    assertThat(apiKeys().hasAdminKey()).isFalse();
    apiKeys().addKey(key("chosen", ApiKey.Scope.ADMIN, "", at(1)));

    assertThat(apiKeys().hasAdminKey()).isTrue();
    assertThat(apiKeys().findKey("reader"))
        .contains(key("reader", ApiKey.Scope.READ_ONLY, "s4lt", T0));
    assertThat(apiKeys().findUnsaltedKey("hash-of-chosen")).map(ApiKey::id).contains("chosen");
    assertThat(apiKeys().findUnsaltedKey("hash-of-reader")).as("salted: not by hash").isEmpty();
    assertThat(apiKeys().findKey("missing")).isEmpty();
    assertThat(apiKeys().listKeys()).extracting(ApiKey::id).containsExactly("chosen", "reader");
    assertThatThrownBy(() -> apiKeys().addKey(key("reader", ApiKey.Scope.ADMIN, "x", T0)))
        .isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  default void the_last_admin_key_cannot_be_deleted_but_any_other_can() {
    apiKeys().addKey(key("admin-1", ApiKey.Scope.ADMIN, "a", T0));
    apiKeys().addKey(key("admin-2", ApiKey.Scope.ADMIN, "b", T0));
    apiKeys().addKey(key("reader", ApiKey.Scope.READ_ONLY, "c", T0));

    assertThat(apiKeys().deleteKey("reader")).isTrue();
    assertThat(apiKeys().deleteKey("reader")).isFalse();
    assertThat(apiKeys().deleteKey("admin-1")).isTrue();
    assertThatThrownBy(() -> apiKeys().deleteKey("admin-2"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("last admin key");
    assertThat(apiKeys().findKey("admin-2")).isPresent();
  }

  @Test
  default void a_use_is_recorded_unless_a_later_one_is() {
    apiKeys().addKey(key("reader", ApiKey.Scope.READ_ONLY, "s", T0));

    apiKeys().markUsed("reader", at(5));
    apiKeys().markUsed("reader", at(3));
    apiKeys().markUsed("missing", at(9));

    assertThat(apiKeys().findKey("reader").orElseThrow().lastUsedAt()).isEqualTo(at(5));
  }

  private static ApiKey key(String id, ApiKey.Scope scope, String salt, Instant createdAt) {
    return new ApiKey(
        id, scope, "tag of " + id, "pk-" + id, "abcd", salt, "hash-of-" + id, createdAt, null);
  }
}
