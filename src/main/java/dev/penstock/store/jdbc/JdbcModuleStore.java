package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.instant;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.PythonModule;
import dev.penstock.store.ModuleStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** ModuleStore on SQLite or PostgreSQL. Thread-safe. */
public final class JdbcModuleStore implements ModuleStore {
  private static final String INSERT =
      """
      INSERT INTO python_module (name, source_code, created_at, updated_at)
      VALUES (:name, :sourceCode, :createdAt, :updatedAt)
      """;
  private static final String UPDATE =
      """
      UPDATE python_module SET source_code = :sourceCode, updated_at = :updatedAt
       WHERE name = :name
      """;
  private static final String DELETE = "DELETE FROM python_module WHERE name = :name";
  private static final String SELECT = "SELECT * FROM python_module WHERE name = :name";
  private static final String LIST = "SELECT * FROM python_module ORDER BY name";

  private final Database database;

  JdbcModuleStore(Database database) {
    this.database = database;
  }

  @Override
  public void createModule(PythonModule module) {
    database.inTransaction(
        handle ->
            database.execute(
                handle
                    .createUpdate(INSERT)
                    .bind("name", module.name())
                    .bind("sourceCode", module.sourceCode())
                    .bind("createdAt", module.createdAt().toEpochMilli())
                    .bind("updatedAt", module.updatedAt().toEpochMilli()),
                "A module named '" + module.name() + "' already exists",
                null));
  }

  @Override
  public void updateModule(PythonModule module) {
    int updated =
        database.inTransaction(
            handle ->
                handle
                    .createUpdate(UPDATE)
                    .bind("name", module.name())
                    .bind("sourceCode", module.sourceCode())
                    .bind("updatedAt", module.updatedAt().toEpochMilli())
                    .execute());
    if (updated == 0) {
      throw new NotFoundException("Module not found: " + module.name());
    }
  }

  @Override
  public boolean deleteModule(String name) {
    return database.inTransaction(
        handle -> handle.createUpdate(DELETE).bind("name", name).execute() > 0);
  }

  @Override
  public Optional<PythonModule> findModule(String name) {
    return database.withHandle(
        handle ->
            handle.createQuery(SELECT).bind("name", name).map(JdbcModuleStore::row).findOne());
  }

  @Override
  public List<PythonModule> listModules() {
    return database.withHandle(handle -> handle.createQuery(LIST).map(JdbcModuleStore::row).list());
  }

  private static PythonModule row(ResultSet row, StatementContext context) throws SQLException {
    return new PythonModule(
        row.getString("name"),
        row.getString("source_code"),
        instant(row, "created_at"),
        instant(row, "updated_at"));
  }
}
