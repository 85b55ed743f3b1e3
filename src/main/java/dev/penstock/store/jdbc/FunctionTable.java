package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.millis;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.PythonFunction;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The SQL of the python_function table, shared by user functions and the functions steps own. Runs
 * inside the caller's handle and transaction. Stateless and thread-safe.
 */
final class FunctionTable {
  private static final String INSERT =
      """
      INSERT INTO python_function (id, name, function_name, source_code, function_type, inputs,
          outputs, package_requirements, description, examples, connectors, timeout_seconds,
          owner_step_id, created_at, updated_at)
      VALUES (:id, :name, :functionName, :sourceCode, :functionType, :inputs,
          :outputs, :packageRequirements, :description, :examples, :connectors, :timeoutSeconds,
          :ownerStepId, :createdAt, :updatedAt)
      """;
  private static final String UPDATE =
      """
      UPDATE python_function
         SET name = :name, function_name = :functionName, source_code = :sourceCode,
             function_type = :functionType, inputs = :inputs, outputs = :outputs,
             package_requirements = :packageRequirements, description = :description,
             examples = :examples, connectors = :connectors, timeout_seconds = :timeoutSeconds,
             updated_at = :updatedAt, revision = revision + 1
       WHERE id = :id
      """;
  private static final String SELECT_BY_ID = "SELECT * FROM python_function WHERE id = :key";
  private static final String SELECT_BY_NAME = "SELECT * FROM python_function WHERE name = :key";
  private static final String LIST_ALL = "SELECT * FROM python_function ORDER BY name";
  private static final String LIST_OF_TYPE =
      "SELECT * FROM python_function WHERE function_type = :functionType ORDER BY name";
  private static final String DELETE_BY_NAME = "DELETE FROM python_function WHERE name = :name";
  private static final String DELETE_OWNED_BY_STEP =
      "DELETE FROM python_function WHERE owner_step_id = :stepId";

  private final Database database;

  FunctionTable(Database database) {
    this.database = database;
  }

  /** Inserts the function, owned by {@code ownerStepId} (null for a user function). */
  void insert(Handle handle, PythonFunction function, String ownerStepId) {
    var insert =
        handle
            .createUpdate(INSERT)
            .bind("id", function.id())
            .bind("ownerStepId", ownerStepId)
            .bind("createdAt", millis(function.createdAt()));
    database.execute(bindFields(insert, function), alreadyExists(function), null);
  }

  /** Updates every field but id, createdAt and ownerStepId; NotFoundException when missing. */
  void update(Handle handle, PythonFunction function) {
    var update = handle.createUpdate(UPDATE).bind("id", function.id());
    if (database.execute(bindFields(update, function), alreadyExists(function), null) == 0) {
      throw new NotFoundException("No function with id '" + function.id() + "'");
    }
  }

  Optional<PythonFunction> findById(Handle handle, String id) {
    return find(handle, SELECT_BY_ID, id);
  }

  Optional<PythonFunction> findByName(Handle handle, String name) {
    return find(handle, SELECT_BY_NAME, name);
  }

  List<PythonFunction> list(Handle handle, String functionType) {
    var query =
        functionType == null
            ? handle.createQuery(LIST_ALL)
            : handle.createQuery(LIST_OF_TYPE).bind("functionType", functionType);
    return query.map((row, context) -> DefinitionRows.function(row)).list();
  }

  boolean deleteByName(Handle handle, String name) {
    return handle.createUpdate(DELETE_BY_NAME).bind("name", name).execute() > 0;
  }

  void deleteOwnedBy(Handle handle, String stepId) {
    handle.createUpdate(DELETE_OWNED_BY_STEP).bind("stepId", stepId).execute();
  }

  private static Optional<PythonFunction> find(Handle handle, String sql, String key) {
    return handle
        .createQuery(sql)
        .bind("key", key)
        .map((row, context) -> DefinitionRows.function(row))
        .findOne();
  }

  private static <S extends SqlStatement<S>> S bindFields(S statement, PythonFunction function) {
    return statement
        .bind("name", function.name())
        .bind("functionName", function.functionName())
        .bind("sourceCode", function.sourceCode())
        .bind("functionType", function.functionType())
        .bind("inputs", JsonColumns.write(function.inputs()))
        .bind("outputs", JsonColumns.write(function.outputs()))
        .bind("packageRequirements", JsonColumns.write(function.packageRequirements()))
        .bind("description", function.description())
        .bind("examples", JsonColumns.write(function.examples()))
        .bind("connectors", JsonColumns.write(function.connectors()))
        .bind("timeoutSeconds", function.timeoutSeconds())
        .bind("updatedAt", millis(function.updatedAt()));
  }

  private static String alreadyExists(PythonFunction function) {
    return "A function named '" + function.name() + "' already exists";
  }
}
