package dev.penstock.store.jdbc;

import dev.penstock.store.ApiKey;
import dev.penstock.store.ApiKeyStore;
import java.time.Instant;
import java.util.Optional;

/** ApiKeyStore on SQLite or PostgreSQL. Thread-safe. */
public final class JdbcApiKeyStore implements ApiKeyStore {
  private static final String INSERT =
      """
      INSERT INTO api_key (key_hash, kind, pipeline_version, created_at)
      VALUES (:keyHash, :kind, :pipelineVersionId, :createdAt)
      """;
  private static final String SELECT =
      "SELECT kind, pipeline_version FROM api_key WHERE key_hash = :keyHash";
  private static final String ANY_ADMIN =
      "SELECT COUNT(*) FROM (SELECT 1 FROM api_key WHERE kind = 'ADMIN' LIMIT 1) admin";
  private static final String DELETE_RUN_KEYS =
      "DELETE FROM api_key WHERE kind = 'RUN' AND pipeline_version = :pipelineVersionId";

  private final Database database;

  JdbcApiKeyStore(Database database) {
    this.database = database;
  }

  @Override
  public void addKey(String keyHash, ApiKey.Kind kind, String pipelineVersionId, Instant now) {
    database.inTransaction(
        handle ->
            database.execute(
                handle
                    .createUpdate(INSERT)
                    .bind("keyHash", keyHash)
                    .bind("kind", kind.name())
                    .bind("pipelineVersionId", pipelineVersionId)
                    .bind("createdAt", now.toEpochMilli()),
                "This API key already exists",
                null));
  }

  @Override
  public Optional<ApiKey> findKey(String keyHash) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT)
                .bind("keyHash", keyHash)
                .map(
                    (row, context) ->
                        new ApiKey(
                            Columns.enumValue(ApiKey.Kind.class, row.getString("kind")),
                            row.getString("pipeline_version")))
                .findOne());
  }

  @Override
  public boolean hasAdminKey() {
    return database.withHandle(
        handle -> handle.createQuery(ANY_ADMIN).mapTo(Integer.class).one() > 0);
  }

  @Override
  public void deleteRunKeys(String pipelineVersionId) {
    database.inTransaction(
        handle ->
            handle
                .createUpdate(DELETE_RUN_KEYS)
                .bind("pipelineVersionId", pipelineVersionId)
                .execute());
  }
}
