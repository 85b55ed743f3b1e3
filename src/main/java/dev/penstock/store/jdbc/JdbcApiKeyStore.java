package dev.penstock.store.jdbc;

import dev.penstock.model.ConflictException;
import dev.penstock.store.ApiKey;
import dev.penstock.store.ApiKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** ApiKeyStore on SQLite or PostgreSQL. Thread-safe. */
public final class JdbcApiKeyStore implements ApiKeyStore {
  private static final String INSERT =
      """
      INSERT INTO api_key (id, scope, tag, prefix, suffix, salt, key_hash, created_at)
      VALUES (:id, :scope, :tag, :prefix, :suffix, :salt, :keyHash, :createdAt)
      """;
  private static final String BY_ID = "SELECT * FROM api_key WHERE id = :id";
  private static final String UNSALTED_BY_HASH =
      "SELECT * FROM api_key WHERE key_hash = :keyHash AND salt = ''";
  private static final String LIST = "SELECT * FROM api_key ORDER BY created_at DESC, id";
  private static final String ADMIN_IDS = "SELECT id FROM api_key WHERE scope = 'ADMIN'";
  private static final String DELETE = "DELETE FROM api_key WHERE id = :id";
  private static final String MARK_USED =
      """
      UPDATE api_key SET last_used_at = :at
       WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)
      """;

  private final Database database;

  JdbcApiKeyStore(Database database) {
    this.database = database;
  }

  @Override
  public void addKey(ApiKey key) {
    database.inTransaction(
        handle ->
            database.execute(
                handle
                    .createUpdate(INSERT)
                    .bind("id", key.id())
                    .bind("scope", key.scope().name())
                    .bind("tag", key.tag())
                    .bind("prefix", key.prefix())
                    .bind("suffix", key.suffix())
                    .bind("salt", key.salt())
                    .bind("keyHash", key.keyHash())
                    .bind("createdAt", key.createdAt().toEpochMilli()),
                "An API key with id " + key.id() + " already exists",
                null));
  }

  @Override
  public Optional<ApiKey> findKey(String id) {
    return database.withHandle(
        handle -> handle.createQuery(BY_ID).bind("id", id).map(JdbcApiKeyStore::row).findOne());
  }

  @Override
  public Optional<ApiKey> findUnsaltedKey(String keyHash) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(UNSALTED_BY_HASH)
                .bind("keyHash", keyHash)
                .map(JdbcApiKeyStore::row)
                .findFirst());
  }

  @Override
  public List<ApiKey> listKeys() {
    return database.withHandle(handle -> handle.createQuery(LIST).map(JdbcApiKeyStore::row).list());
  }

  @Override
  public boolean deleteKey(String id) {
    return database.inTransaction(
        handle -> {
          // Locks the admin rows (PostgreSQL), so two deletions cannot each leave the other's key
          // as the last one and then both go.
          List<String> admins =
              handle
                  .createQuery(ADMIN_IDS + database.dialect().lockRowClause())
                  .mapTo(String.class)
                  .list();
          if (admins.size() == 1 && admins.get(0).equals(id)) {
            throw new ConflictException(
                "API key "
                    + id
                    + " is the last admin key; create another admin key before deleting it");
          }
          return handle.createUpdate(DELETE).bind("id", id).execute() > 0;
        });
  }

  @Override
  public boolean hasAdminKey() {
    return database.withHandle(
        handle -> !handle.createQuery(ADMIN_IDS).mapTo(String.class).list().isEmpty());
  }

  @Override
  public void markUsed(String id, Instant at) {
    database.inTransaction(
        handle ->
            handle.createUpdate(MARK_USED).bind("id", id).bind("at", at.toEpochMilli()).execute());
  }

  private static ApiKey row(ResultSet row, StatementContext context) throws SQLException {
    return new ApiKey(
        row.getString("id"),
        Columns.enumValue(ApiKey.Scope.class, row.getString("scope")),
        row.getString("tag"),
        row.getString("prefix"),
        row.getString("suffix"),
        row.getString("salt"),
        row.getString("key_hash"),
        Columns.instant(row, "created_at"),
        Columns.instant(row, "last_used_at"));
  }
}
