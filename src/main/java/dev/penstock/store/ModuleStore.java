package dev.penstock.store;

import dev.penstock.model.PythonModule;
import java.util.List;
import java.util.Optional;

/** Python modules, keyed by name. Every write is one transaction. Thread-safe. */
public interface ModuleStore {

  /** Stores a new module; AlreadyExistsException when the name is taken (nothing written). */
  void createModule(PythonModule module);

  /** Replaces the module's source; NotFoundException when there is no module of that name. */
  void updateModule(PythonModule module);

  /** Deletes the module; false when there was none. Runs keep their own snapshots. */
  boolean deleteModule(String name);

  Optional<PythonModule> findModule(String name);

  /** Every module, by name. */
  List<PythonModule> listModules();
}
