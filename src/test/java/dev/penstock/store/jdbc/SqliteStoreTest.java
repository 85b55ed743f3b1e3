package dev.penstock.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite: a new file per test, in a directory the store must create. */
class SqliteStoreTest extends StoreContractTest {
  @TempDir Path directory;
  private int databases;

  @Override
  String newDatabaseUrl() {
    return "jdbc:sqlite:" + directory.resolve("data-" + ++databases + "/penstock.db");
  }
}
