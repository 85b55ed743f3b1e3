package dev.penstock.executor.local;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Turns what an exited runner left behind (result.json, or only its exit code) into the attempt's
 * outcome. The statuses are those written by penstock_runner.py. Thread-safe: immutable.
 */
final class ResultReader {
  static final String RESULT_FILE = "result.json";
  private static final int SIGNAL_EXIT_BASE = 128; // the JDK reports death by signal N as 128 + N
  private static final int SIGKILL = 9;
  private static final int SIGXCPU = 24;
  private static final Map<Integer, String> SIGNAL_NAMES =
      Map.ofEntries(
          Map.entry(1, "SIGHUP"),
          Map.entry(2, "SIGINT"),
          Map.entry(3, "SIGQUIT"),
          Map.entry(4, "SIGILL"),
          Map.entry(5, "SIGTRAP"),
          Map.entry(6, "SIGABRT"),
          Map.entry(7, "SIGBUS"),
          Map.entry(8, "SIGFPE"),
          Map.entry(9, "SIGKILL"),
          Map.entry(10, "SIGUSR1"),
          Map.entry(11, "SIGSEGV"),
          Map.entry(12, "SIGUSR2"),
          Map.entry(13, "SIGPIPE"),
          Map.entry(14, "SIGALRM"),
          Map.entry(15, "SIGTERM"),
          Map.entry(24, "SIGXCPU"),
          Map.entry(25, "SIGXFSZ"));

  /** penstock_runner.py's exit code when it could not write result.json (a full disk, say). */
  static final int RESULT_NOT_WRITTEN_EXIT_CODE = 75;

  /** Room beside the return value in result.json, for the runner's error texts (capped there). */
  private static final long RESULT_HEADROOM_BYTES = 1024 * 1024;

  private final ObjectMapper json;
  private final long maxOutputBytes;
  private final long maxResultBytes;

  /**
   * @param maxOutputBytes the most JSON a step may return: the runner fails a larger value, and a
   *     result.json larger than that and its headroom is refused unread, so no step can make the
   *     server parse more than that into its heap
   */
  ResultReader(ObjectMapper json, long maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
    this.maxResultBytes = maxOutputBytes + RESULT_HEADROOM_BYTES;
    this.json = json.copy();
    // Jackson's own cap on one string (20 MB) must not fail a value the limit allows.
    this.json
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxResultBytes))
                .build());
  }

  /**
   * The outcome of a runner that exited by itself with {@code exitCode}. {@code oomKillerStruck}
   * says whether the kernel's OOM killer ended any process while the step ran: asked only of a step
   * killed without a result.
   */
  StepOutcome read(Path workDir, int exitCode, int memoryGb, BooleanSupplier oomKillerStruck) {
    JsonNode result;
    try {
      result = parse(workDir);
    } catch (NoSuchFileException e) {
      return withoutResult(exitCode, memoryGb, oomKillerStruck);
    } catch (TooLargeException e) {
      return tooLarge(e.size, exitCode);
    } catch (IOException e) {
      return cannotRead(e, exitCode);
    }
    return outcome(result, exitCode, memoryGb);
  }

  /**
   * The outcome of a runner that wrote result.json and has not exited yet. Its exit code will be
   * the one the runner's contract gives: 0 for "ok", 1 for every other status.
   */
  StepOutcome readWritten(Path workDir, int memoryGb) {
    JsonNode result;
    try {
      result = parse(workDir);
    } catch (TooLargeException e) {
      return tooLarge(e.size, null);
    } catch (IOException e) {
      return cannotRead(e, null);
    }
    int exitCode = result.path("status").asText().equals("ok") ? 0 : 1;
    return outcome(result, exitCode, memoryGb);
  }

  long maxResultBytes() {
    return maxResultBytes;
  }

  /** result.json, parsed from the file without a copy of its text, if it is within the limit. */
  private JsonNode parse(Path workDir) throws IOException {
    Path file = workDir.resolve(RESULT_FILE);
    long size = Files.size(file);
    if (size > maxResultBytes) {
      throw new TooLargeException(size);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return json.readTree(in);
    }
  }

  private StepOutcome tooLarge(long size, Integer exitCode) {
    return StepOutcome.failure(
        FailureCause.OUTPUT_ERROR,
        "the step's %s is %s, over the limit of %s (max-output-size); it was not read"
            .formatted(RESULT_FILE, Sizes.describe(size), Sizes.describe(maxOutputBytes)),
        exitCode);
  }

  private static final class TooLargeException extends IOException {
    private final long size;

    TooLargeException(long size) {
      super("result.json is " + size + " bytes");
      this.size = size;
    }
  }

  private static StepOutcome cannotRead(IOException e, Integer exitCode) {
    return StepOutcome.failure(
        FailureCause.LAUNCH_FAILED, "cannot read the step's " + RESULT_FILE + ": " + e, exitCode);
  }

  private static StepOutcome outcome(JsonNode result, int exitCode, int memoryGb) {
    String status = result.path("status").asText();
    return switch (status) {
      case "ok" ->
          StepOutcome.success(
                  result.has("returned") ? result.get("returned") : NullNode.getInstance(),
                  exitCode)
              .withReferences(result.get("references"));
      case "input_error" ->
          StepOutcome.failure(FailureCause.BAD_INPUT, result.path("message").asText(), exitCode);
      case "error" -> StepOutcome.failure(FailureCause.USER_CODE, userError(result), exitCode);
      case "memory_exceeded" ->
          StepOutcome.failure(
              FailureCause.MEMORY_EXCEEDED,
              memoryExceeded(memoryGb) + "\n" + result.path("traceback").asText(""),
              exitCode);
      case "not_serializable", "output_too_large" ->
          StepOutcome.failure(FailureCause.OUTPUT_ERROR, result.path("message").asText(), exitCode);
      default ->
          StepOutcome.failure(
              FailureCause.LAUNCH_FAILED,
              "the step runner failed (" + status + "): " + result.path("message").asText(),
              exitCode);
    };
  }

  private static String userError(JsonNode result) {
    String type = result.path("error_type").asText("Exception");
    String message = result.path("message").asText("");
    String summary = message.isEmpty() ? type : type + ": " + message;
    String traceback = result.path("traceback").asText("").strip();
    // Without frames of the user's, Python's traceback is just the summary line again.
    return traceback.isEmpty() || traceback.equals(summary) ? summary : summary + "\n" + traceback;
  }

  static String memoryExceeded(int memoryGb) {
    return memoryGb > 0
        ? "step exceeded its memory limit of " + memoryGb + " GB"
        : "step ran out of memory";
  }

  private StepOutcome withoutResult(int exitCode, int memoryGb, BooleanSupplier oomKillerStruck) {
    if (exitCode == RESULT_NOT_WRITTEN_EXIT_CODE) {
      return StepOutcome.failure(
          FailureCause.LAUNCH_FAILED,
          "the step ended, but its runner could not write " + RESULT_FILE + " (its log says why)",
          exitCode);
    }
    String signal = SIGNAL_NAMES.get(exitCode - SIGNAL_EXIT_BASE);
    if (exitCode == SIGNAL_EXIT_BASE + SIGXCPU) {
      return StepOutcome.failure(
          FailureCause.TIMED_OUT,
          "step process used up its CPU-time guard (its timeout times the number of cores) and"
              + " was ended with SIGXCPU",
          exitCode);
    }
    if (exitCode == SIGNAL_EXIT_BASE + SIGKILL) {
      return oomKillerStruck.getAsBoolean()
          ? StepOutcome.failure(
              FailureCause.MEMORY_EXCEEDED,
              "step process was killed by the kernel's out-of-memory killer (exit code 137): the"
                  + " machine ran out of memory before the step reached its limit"
                  + (memoryGb > 0 ? " of " + memoryGb + " GB" : ""),
              exitCode)
          : StepOutcome.failure(
              FailureCause.USER_CODE,
              "step process exited with code 137 (SIGKILL) without a result; Penstock did not"
                  + " send that signal, so the step itself, another process or the kernel's"
                  + " out-of-memory killer did",
              exitCode);
    }
    String described = signal == null ? "" : " (" + signal + ")";
    return StepOutcome.failure(
        FailureCause.USER_CODE,
        "step process exited with code "
            + exitCode
            + described
            + " without a result; its log may say more",
        exitCode);
  }
}
