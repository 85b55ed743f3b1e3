package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ends no real step in a test can bring about on demand: the OOM killer, a broken runner. */
class ResultReaderTest {
  private final ResultReader reader =
      new ResultReader(new ObjectMapper(), LocalExecutorSettings.DEFAULT_MAX_OUTPUT_BYTES);

  @TempDir Path workDir;

  @Test
  void a_sigkill_while_the_oom_killer_struck_is_a_memory_failure() {
    StepOutcome outcome = reader.read(workDir, 137, 16, () -> true);

    assertThat(outcome.cause()).isEqualTo(FailureCause.MEMORY_EXCEEDED);
    assertThat(outcome.error()).contains("out-of-memory killer").contains("16 GB");
    assertThat(outcome.exitCode()).isEqualTo(137);
  }

  @Test
  void a_sigkill_nobody_explains_is_blamed_on_the_step_and_names_the_suspects() {
    StepOutcome outcome = reader.read(workDir, 137, 16, () -> false);

    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.error())
        .startsWith("step process exited with code 137 (SIGKILL) without a result")
        .contains("out-of-memory killer");
  }

  @Test
  void a_death_by_sigxcpu_is_the_cpu_time_guard_and_counts_as_a_timeout() {
    StepOutcome outcome = reader.read(workDir, 152, 0, () -> false);

    assertThat(outcome.cause()).isEqualTo(FailureCause.TIMED_OUT);
    assertThat(outcome.error()).contains("CPU-time guard").contains("SIGXCPU");
  }

  @Test
  void a_runner_that_could_not_read_its_request_fails_the_launch() throws Exception {
    Files.writeString(
        workDir.resolve("result.json"),
        "{\"status\": \"runner_error\", \"message\": \"cannot read request.json:"
            + " KeyError('source_code')\"}");

    StepOutcome outcome = reader.read(workDir, 1, 16, () -> false);

    assertThat(outcome.cause())
        .as("retriable, and not the user's fault")
        .isEqualTo(FailureCause.LAUNCH_FAILED);
    assertThat(outcome.error()).contains("KeyError('source_code')");
  }

  @Test
  void a_result_file_over_the_limit_is_refused_without_being_read() throws Exception {
    // A gigabyte of zeros, sparse on disk: parsed, it would fail as bad JSON, or fill the heap.
    try (var file = new RandomAccessFile(workDir.resolve("result.json").toFile(), "rw")) {
      file.setLength(1L << 30);
    }

    StepOutcome exited = reader.read(workDir, 0, 16, () -> false);
    StepOutcome written = reader.readWritten(workDir, 16);

    for (StepOutcome outcome : List.of(exited, written)) {
      assertThat(outcome.cause()).isEqualTo(FailureCause.OUTPUT_ERROR);
      assertThat(outcome.error())
          .isEqualTo(
              "the step's result.json is 1 GB, over the limit of 10 MB (max-output-size); it was"
                  + " not read");
    }
  }

  @Test
  void a_long_string_within_the_limit_is_read_whatever_jackson_s_own_default() throws Exception {
    String value = "y".repeat(25 * 1024 * 1024); // Jackson alone stops at 20 million
    Files.writeString(
        workDir.resolve("result.json"), "{\"status\": \"ok\", \"returned\": \"" + value + "\"}");

    StepOutcome outcome =
        new ResultReader(new ObjectMapper(), 30L * 1024 * 1024).readWritten(workDir, 16);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.returned().asText()).hasSize(value.length());
  }

  @Test
  void a_runner_that_could_not_write_its_result_failed_the_launch() {
    StepOutcome outcome = reader.read(workDir, 75, 16, () -> false);

    assertThat(outcome.cause()).isEqualTo(FailureCause.LAUNCH_FAILED);
    assertThat(outcome.error())
        .isEqualTo("the step ended, but its runner could not write result.json (its log says why)");
  }

  @Test
  void an_exception_without_a_message_or_user_frames_is_named_by_its_type_alone() throws Exception {
    Files.writeString(
        workDir.resolve("result.json"),
        "{\"status\": \"error\", \"error_type\": \"KeyboardInterrupt\", \"message\": \"\","
            + " \"traceback\": \"KeyboardInterrupt\\n\"}");

    StepOutcome outcome = reader.read(workDir, 1, 16, () -> false);

    assertThat(outcome.error()).isEqualTo("KeyboardInterrupt");
  }

  @Test
  void a_result_read_before_the_runner_exits_carries_the_exit_code_the_runner_will_have()
      throws Exception {
    Files.writeString(workDir.resolve("result.json"), "{\"status\": \"ok\", \"returned\": 7}");
    StepOutcome ok = reader.readWritten(workDir, 0);
    Files.writeString(
        workDir.resolve("result.json"),
        "{\"status\": \"error\", \"error_type\": \"ValueError\", \"message\": \"no\"}");
    StepOutcome failed = reader.readWritten(workDir, 0);

    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.returned().asInt()).isEqualTo(7);
    assertThat(ok.exitCode()).isZero();
    assertThat(failed.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(failed.error()).isEqualTo("ValueError: no");
    assertThat(failed.exitCode()).isEqualTo(1);
  }
}
