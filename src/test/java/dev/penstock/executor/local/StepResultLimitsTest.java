package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a step's result may be: JSON of at most the configured size (here 1 KB) and 100 lists or
 * dicts deep, checked by the runner before it writes result.json; and a runner that cannot write
 * its result at all, which is the platform's fault. In both ways of starting a step.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ExecutorMode.class)
class StepResultLimitsTest {
  @Parameter ExecutorMode mode;
  @TempDir Path root;
  private LocalProcessExecutor executor;

  @BeforeEach
  void create_executor() {
    executor = new LocalProcessExecutor(mode.settings(root).withMaxOutput(1024));
    mode.warmUp(executor, root);
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @Test
  void a_return_value_over_the_limit_fails_the_step_saying_how_large_it_is() throws Exception {
    StepOutcome outcome = run("def step():\n    return ['y' * 100] * 50\n");

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.cause()).isEqualTo(FailureCause.OUTPUT_ERROR);
    assertThat(outcome.error())
        .isEqualTo(
            "the outputs of step are 5.1 KB of JSON, over the limit of 1 KB (max-output-size)");
  }

  @Test
  void a_return_value_within_the_limit_comes_back_whole() throws Exception {
    StepOutcome outcome = run("def step():\n    return ['y' * 100] * 9\n");

    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.returned().size()).isEqualTo(9);
    assertThat(outcome.returned().get(8).asText()).hasSize(100);
  }

  @Test
  void a_return_value_far_over_the_limit_is_measured_only_up_to_ten_times_it() throws Exception {
    StepOutcome outcome = run("def step():\n    return ['y' * 1000] * 1000000\n");

    assertThat(outcome.cause()).isEqualTo(FailureCause.OUTPUT_ERROR);
    assertThat(outcome.error())
        .isEqualTo(
            "the outputs of step are more than 10 KB of JSON, over the limit of 1 KB"
                + " (max-output-size)");
  }

  @Test
  void a_return_value_nested_too_deep_fails_the_step_instead_of_the_runner() throws Exception {
    String source =
        """
        def step():
            value = 1
            for _ in range(5000):
                value = [value]
            return value
        """;

    StepOutcome outcome = run(source);

    assertThat(outcome.cause()).isEqualTo(FailureCause.OUTPUT_ERROR);
    assertThat(outcome.error())
        .isEqualTo(
            "the value returned by step is nested more than 100 lists or dicts deep, more than"
                + " Penstock passes between steps");
  }

  @Test
  void an_exception_with_a_huge_message_keeps_its_head_within_the_result() throws Exception {
    StepOutcome outcome = run("def step():\n    raise ValueError('m' * 5_000_000)\n");

    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.error())
        .startsWith("ValueError: mmm")
        .contains("[... 4967232 characters cut ...]")
        .hasSizeLessThan(100_000);
  }

  @Test
  void a_runner_that_cannot_write_its_result_ends_as_the_platform_s_fault() throws Exception {
    // A directory where the runner writes result.json's temporary file: as a full disk, the
    // write fails whoever runs it (even root).
    String source = "import os\n\ndef step():\n    os.mkdir('result.json.tmp')\n    return 1\n";
    var launch = launch(root, source);

    StepOutcome outcome = executor.launch(launch).outcome().get(60, TimeUnit.SECONDS);

    assertThat(outcome.cause()).isEqualTo(FailureCause.LAUNCH_FAILED);
    assertThat(outcome.exitCode()).isEqualTo(75);
    assertThat(outcome.error()).contains("could not write result.json");
    assertThat(executor.readLog(launch.logFile())).contains("[penstock] cannot write result.json");
  }

  private StepOutcome run(String source) throws Exception {
    return executor.launch(launch(root, source)).outcome().get(60, TimeUnit.SECONDS);
  }
}
