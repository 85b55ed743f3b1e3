package dev.penstock.store.jdbc;

import dev.penstock.testing.EmbeddedPostgresServer;

/** The store contract on a real PostgreSQL server: a new database per test. */
class PostgresStoreTest extends StoreContractTest {
  @Override
  String newDatabaseUrl() {
    return EmbeddedPostgresServer.newDatabase();
  }
}
