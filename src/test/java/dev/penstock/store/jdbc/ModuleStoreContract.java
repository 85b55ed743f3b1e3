package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PythonModule;
import dev.penstock.store.ModuleStore;
import org.junit.jupiter.api.Test;

/** The ModuleStore part of the store contract. */
interface ModuleStoreContract {
  ModuleStore modules();

  @Test
  default void modules_are_created_found_listed_updated_and_deleted_by_name() {
    var beta = new PythonModule("beta", "B = 2\n", at(1), at(1));
    var alpha = new PythonModule("alpha", "A = 1\n", at(2), at(2));
    modules().createModule(beta);
    modules().createModule(alpha);

    assertThat(modules().findModule("alpha")).contains(alpha);
    assertThat(modules().listModules()).containsExactly(alpha, beta);
    assertThatThrownBy(() -> modules().createModule(new PythonModule("alpha", "", at(3), at(3))))
        .isInstanceOf(AlreadyExistsException.class);

    modules().updateModule(new PythonModule("alpha", "A = 10\n", at(9), at(9)));
    assertThat(modules().findModule("alpha"))
        .contains(new PythonModule("alpha", "A = 10\n", at(2), at(9)));
    assertThatThrownBy(() -> modules().updateModule(new PythonModule("ghost", "", at(9), at(9))))
        .isInstanceOf(NotFoundException.class);

    assertThat(modules().deleteModule("alpha")).isTrue();
    assertThat(modules().deleteModule("alpha")).isFalse();
    assertThat(modules().findModule("alpha")).isEmpty();
  }
}
