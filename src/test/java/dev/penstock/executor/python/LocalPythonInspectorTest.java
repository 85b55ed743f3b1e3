package dev.penstock.executor.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.executor.ExecutorException;
import dev.penstock.executor.PythonInspector.Inspection;
import dev.penstock.testing.TestPython;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPythonInspectorTest {
  @TempDir Path root;
  private LocalPythonInspector inspector;

  @BeforeEach
  void create_inspector() {
    inspector = new LocalPythonInspector(Path.of(TestPython.path()), root.resolve("runner"));
  }

  @AfterEach
  void close_inspector() {
    inspector.close();
  }

  /** The warm inspecting processes this JVM has started. */
  private static List<ProcessHandle> inspectors() {
    return ProcessHandle.current()
        .children()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("--inspect")).orElse(false))
        .toList();
  }

  @Test
  void one_warm_process_answers_call_after_call_and_ends_when_closed() {
    inspector.inspect("def a():\n    pass\n", "a");
    var warm = inspectors();
    inspector.inspect("def b(x):\n    pass\n", "b");

    assertThat(warm).hasSize(1);
    assertThat(inspectors()).isEqualTo(warm);
    inspector.close();
    assertThat(warm.get(0).onExit()).succeedsWithin(Duration.ofSeconds(10));
  }

  @Test
  void a_killed_process_is_replaced_by_the_next_call() {
    inspector.inspect("def a():\n    pass\n", "a");
    var killed = inspectors().get(0);
    killed.destroyForcibly();
    assertThat(killed.onExit()).succeedsWithin(Duration.ofSeconds(10));

    Inspection next = inspector.inspect("def b(x):\n    pass\n", "b");

    assertThat(next.parameters()).containsExactly("x");
    assertThat(inspectors()).doesNotContain(killed).hasSize(1);
  }

  @Test
  void source_nested_too_deep_to_compile_fails_that_call_alone() {
    String deep = "x = 1" + " + 1".repeat(200_000) + "\n"; // recursion in the compiler

    assertThatThrownBy(() -> inspector.inspect(deep, "step"))
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("failed to inspect the source");
    assertThat(inspector.inspect("def step():\n    pass\n", "step").functionFound()).isTrue();
  }

  @Test
  void a_syntax_error_gives_its_line_and_message() {
    Inspection inspection = inspector.inspect("x = 1\n\ndef step(:\n    pass\n", "step");

    assertThat(inspection.parsed()).isFalse();
    assertThat(inspection.syntaxErrorLine()).isEqualTo(3);
    assertThat(inspection.syntaxErrorMessage()).isEqualTo("invalid syntax");
    assertThat(inspection.functionFound()).isFalse();
  }

  @Test
  void errors_the_compiler_finds_count_as_syntax_errors() {
    Inspection inspection = inspector.inspect("def step():\n    pass\nreturn 1\n", "step");

    assertThat(inspection.syntaxErrorLine()).isEqualTo(3);
    assertThat(inspection.syntaxErrorMessage()).isEqualTo("'return' outside function");
  }

  @Test
  void a_function_is_found_with_its_parameters_and_whether_it_takes_kwargs() {
    String source = "import os\n\ndef step(a, b=2, /, c=3, *rest, d, e=5, **options):\n    pass\n";

    Inspection inspection = inspector.inspect(source, "step");

    assertThat(inspection.parsed()).isTrue();
    assertThat(inspection.functionFound()).isTrue();
    assertThat(inspection.parameters()).containsExactly("a", "b", "c", "d", "e");
    assertThat(inspection.acceptsKwargs()).isTrue();
  }

  @Test
  void an_async_function_without_kwargs_is_found_too() {
    Inspection inspection = inspector.inspect("async def step(x):\n    return x\n", "step");

    assertThat(inspection.functionFound()).isTrue();
    assertThat(inspection.parameters()).containsExactly("x");
    assertThat(inspection.acceptsKwargs()).isFalse();
  }

  @Test
  void a_function_that_is_not_defined_at_top_level_is_not_found() {
    String source =
        "class Steps:\n"
            + "    def step(self):\n"
            + "        pass\n\n"
            + "def other():\n"
            + "    def step():\n"
            + "        pass\n";

    Inspection inspection = inspector.inspect(source, "step");

    assertThat(inspection.parsed()).isTrue();
    assertThat(inspection.functionFound()).isFalse();
    assertThat(inspection.parameters()).isEmpty();
  }

  @Test
  void the_source_is_not_run() {
    Inspection inspection =
        inspector.inspect("import os\nos._exit(7)\n\ndef step():\n    pass\n", "step");

    assertThat(inspection.functionFound()).isTrue();
  }

  @Test
  void a_python_that_cannot_run_throws_an_executor_exception() {
    var broken = new LocalPythonInspector(root.resolve("no/python3"), root.resolve("runner"));

    assertThatThrownBy(() -> broken.inspect("def step():\n    pass\n", "step"))
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining(root.resolve("no/python3").toString())
        .hasMessageContaining("Debian package python3");
  }
}
