package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static dev.penstock.executor.local.TestLaunches.withId;
import static dev.penstock.executor.local.TestLaunches.withRequirements;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.testing.TestWheels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steps get their packageRequirements installed by a real pip into cached virtual environments,
 * offline: pip's own settings (PIP_FIND_LINKS, PIP_NO_INDEX) point it at wheels the test writes.
 */
class PackageRequirementsTest {
  private static final String SHOWS_THE_PACKAGE =
      """
      import os
      import shutil
      import sys
      import penstock_testpkg

      def step():
          return [penstock_testpkg.VERSION, sys.prefix, os.environ.get("VIRTUAL_ENV"),
                  shutil.which("pip")]
      """;

  @TempDir static Path wheels;
  @TempDir Path root;
  private LocalProcessExecutor executor;

  @BeforeAll
  static void write_wheels() throws Exception {
    TestWheels.write(wheels, "penstock-testpkg", "1.0");
    TestWheels.write(wheels, "penstock-testpkg", "2.0");
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @ParameterizedTest
  @EnumSource(ExecutorMode.class)
  void a_step_gets_a_requirement_the_base_python_lacks(ExecutorMode mode) throws Exception {
    executor = executor(mode);
    StepOutcome without = run(withId(root, launch(root, SHOWS_THE_PACKAGE), "sv-base"));
    StepLaunch launch =
        withRequirements(launch(root, SHOWS_THE_PACKAGE), List.of("penstock-testpkg==1.0"));

    StepOutcome outcome = run(launch);

    assertThat(without.error()).startsWith("ModuleNotFoundError: No module named");
    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(outcome.returned().get(0).asText()).isEqualTo("1.0");
    String prefix = outcome.returned().get(1).asText();
    assertThat(prefix).startsWith(environments().toString());
    assertThat(outcome.returned().get(2).asText()).as("VIRTUAL_ENV").isEqualTo(prefix);
    assertThat(outcome.returned().get(3).asText())
        .as("the venv's tools come first on PATH")
        .isEqualTo(prefix + "/bin/pip");
    assertThat(outcome.environmentMillis()).isPositive();
    assertThat(without.environmentMillis()).isZero();
    assertThat(executor.readLog(launch.logFile()))
        .contains("[penstock] building a Python environment for: penstock-testpkg==1.0")
        .contains("Successfully installed penstock-testpkg-1.0")
        .contains("[penstock] built the Python environment in ");
  }

  @Test
  void steps_with_the_same_requirements_share_one_environment_built_once() throws Exception {
    executor = executor(ExecutorMode.FORK_SERVER);
    StepLaunch first =
        withRequirements(
            withId(root, launch(root, SHOWS_THE_PACKAGE), "sv-a"),
            List.of("penstock-testpkg==2.0", " penstock_testpkg==2.0 "));
    StepLaunch second =
        withRequirements(
            withId(root, launch(root, SHOWS_THE_PACKAGE), "sv-b"),
            List.of("Penstock.TestPkg==2.0"));

    var firstOutcome = executor.launch(first).outcome();
    var secondOutcome = executor.launch(second).outcome(); // while the first builds
    StepOutcome a = firstOutcome.get(300, TimeUnit.SECONDS);
    StepOutcome b = secondOutcome.get(300, TimeUnit.SECONDS);
    StepOutcome later =
        run(withRequirements(launch(root, SHOWS_THE_PACKAGE), List.of("penstock-testpkg==2.0")));

    assertThat(List.of(a, b, later)).allMatch(StepOutcome::succeeded, "succeeded");
    assertThat(b.returned()).isEqualTo(a.returned());
    assertThat(later.returned()).isEqualTo(a.returned());
    String logs = executor.readLog(first.logFile()) + executor.readLog(second.logFile());
    assertThat(logs.split("building a Python environment", -1)).as(logs).hasSize(2);
    assertThat(builds()).hasSize(1);
    assertThat(later.environmentMillis())
        .isLessThan(Math.max(a.environmentMillis(), b.environmentMillis()));
  }

  @Test
  void unavailable_requirements_fail_with_pips_message_and_nothing_is_cached() throws Exception {
    executor = executor(ExecutorMode.FORK_SERVER);
    StepLaunch launch =
        withRequirements(
            launch(root, "def step():\n    open('ran', 'w').close()\n"),
            List.of("penstock-testpkg>=5"));

    StepOutcome outcome = run(launch);

    assertThat(outcome.cause()).isEqualTo(FailureCause.MISSING_PACKAGES);
    assertThat(outcome.error())
        .startsWith("pip cannot install the step's packageRequirements (penstock-testpkg>=5)")
        .endsWith("ERROR: No matching distribution found for penstock-testpkg>=5");
    assertThat(executor.readLog(launch.logFile()))
        .contains("Could not find a version that satisfies the requirement penstock-testpkg>=5")
        .contains("[penstock] building the Python environment failed after ");
    assertThat(launch.workDir().resolve("ran")).doesNotExist();
    assertThat(builds()).isEmpty();
    try (Stream<Path> published = Files.list(environments())) {
      assertThat(published.filter(Files::isSymbolicLink)).isEmpty();
    }
  }

  @Test
  void conflicting_requirements_fail_with_pips_message() throws Exception {
    executor = executor(ExecutorMode.FORK_SERVER);
    StepLaunch launch =
        withRequirements(
            launch(root, "def step():\n    pass\n"),
            List.of("penstock-testpkg==1.0", "penstock-testpkg==2.0"));

    StepOutcome outcome = run(launch);

    assertThat(outcome.cause()).isEqualTo(FailureCause.MISSING_PACKAGES);
    assertThat(outcome.error())
        .contains("these package versions have conflicting dependencies")
        .endsWith(
            "ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts");
    assertThat(builds()).isEmpty();
  }

  @Test
  void a_pip_option_posing_as_a_requirement_is_refused_before_pip_runs() throws Exception {
    executor = executor(ExecutorMode.FORK_SERVER);
    StepLaunch launch =
        withRequirements(
            launch(root, "def step():\n    pass\n"),
            List.of("--index-url=https://example.invalid/simple"));

    StepOutcome outcome = run(launch);

    assertThat(outcome.cause()).isEqualTo(FailureCause.MISSING_PACKAGES);
    assertThat(outcome.error()).contains("is not a pip requirement specifier");
    assertThat(environments()).doesNotExist();
  }

  private LocalProcessExecutor executor(ExecutorMode mode) {
    return new LocalProcessExecutor(
        mode.settings(root)
            .withEnvironments(
                environments(),
                LocalExecutorSettings.DEFAULT_ENVIRONMENTS_LIMIT_BYTES,
                TestWheels.pipSettings(wheels)));
  }

  private Path environments() {
    return root.resolve("python-envs");
  }

  private List<Path> builds() throws Exception {
    Path builds = environments().resolve("builds");
    if (!Files.isDirectory(builds)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(builds)) {
      return entries.toList();
    }
  }

  private StepOutcome run(StepLaunch launch) throws Exception {
    return executor.launch(launch).outcome().get(300, TimeUnit.SECONDS);
  }
}
