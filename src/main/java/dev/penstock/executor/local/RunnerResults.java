package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import java.util.Map;

/**
 * What penstock_runner.py needs and leaves, for an executor that runs it elsewhere (in a pod) and
 * brings its result.json and kept files back into the attempt's working directory on this server:
 * the request it reads, and the outcome read exactly as a local runner's is. Thread-safe.
 */
public final class RunnerResults {
  public static final String RESULT_FILE = ResultReader.RESULT_FILE;
  public static final String REQUEST_FILE = RunnerRequest.FILE;

  /** The folders of the working directory whose files a successful attempt keeps. */
  public static final java.util.List<String> KEPT_FOLDERS = ClaimedFiles.FOLDERS;

  private final ResultReader reader;
  private final long maxOutputBytes;

  public RunnerResults(long maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
    this.reader = new ResultReader(new ObjectMapper(), maxOutputBytes);
  }

  /** The runner's request for {@code launch}, as request.json holds it. */
  public Map<String, Object> request(StepLaunch launch) {
    return RunnerRequest.of(launch, maxOutputBytes);
  }

  /**
   * The outcome of a runner that exited with {@code exitCode}, from the result.json and kept files
   * in {@code launch.workDir()} (moved beside the log, as a local attempt's are).
   */
  public StepOutcome read(StepLaunch launch, int exitCode) {
    return ClaimedFiles.claim(
        launch,
        ClaimedResult.read(
            launch, dir -> reader.read(dir, exitCode, launch.memoryGb(), () -> false), exitCode));
  }

  /** What a step stopped at its timeout reports, as a local step's does. */
  public static String timedOut(java.time.Duration timeout) {
    return "timed out after " + StepTimeout.describe(timeout);
  }

  /** What a step killed for its memory reports, as a local step's does. */
  public static String memoryExceeded(int memoryGb) {
    return ResultReader.memoryExceeded(memoryGb);
  }

  /** The most bytes of result.json the server reads: the output limit and room for errors. */
  public long maxResultBytes() {
    return reader.maxResultBytes();
  }
}
