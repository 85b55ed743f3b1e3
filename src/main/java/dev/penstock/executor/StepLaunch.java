package dev.penstock.executor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.CpuSize;
import dev.penstock.model.Isolation;
import dev.penstock.model.StepPlacement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to run one attempt of one step. {@code workDir} is the attempt's own directory
 * and the process's working directory, all the step may write; {@code logFile} receives stdout and
 * stderr in the order written (appended: the engine may have written a note first). The log lies
 * outside {@code workDir}, in a directory of the server's that the step cannot write, where the
 * executor also takes the step's result before reading it. {@code kwargs} are the bound arguments,
 * passed as {@code function(**kwargs)}. {@code environment} is added to the process's inherited
 * environment. {@code runId} names the run the attempt belongs to, whose attempts have their
 * working directories side by side in one folder that holds nothing else; {@code isolation} says
 * which steps may share a process (null: the executor's default). With {@link Isolation#RUN}, a
 * process that ran other steps of the run may run this one, confined to that folder. {@code values}
 * says which values travel by reference (see {@link StepValues}).
 */
public record StepLaunch(
    String stepVersionId,
    int attempt,
    Path workDir,
    Path logFile,
    String functionName,
    String sourceCode,
    Map<String, JsonNode> kwargs,
    List<String> packageRequirements,
    int memoryGb,
    Duration timeout,
    Map<String, String> environment,
    String runId,
    Isolation isolation,
    StepValues values,
    StepPlacement placement,
    CpuSize cpuSize) {

  public StepLaunch {
    values = values == null ? StepValues.NONE : values;
    placement = placement == null ? StepPlacement.DEFAULT : placement;
    cpuSize = cpuSize == null ? CpuSize.SMALL : cpuSize;
  }

  /** A launch placed where the server's settings say. */
  public StepLaunch(
      String stepVersionId,
      int attempt,
      Path workDir,
      Path logFile,
      String functionName,
      String sourceCode,
      Map<String, JsonNode> kwargs,
      List<String> packageRequirements,
      int memoryGb,
      Duration timeout,
      Map<String, String> environment,
      String runId,
      Isolation isolation,
      StepValues values) {
    this(
        stepVersionId,
        attempt,
        workDir,
        logFile,
        functionName,
        sourceCode,
        kwargs,
        packageRequirements,
        memoryGb,
        timeout,
        environment,
        runId,
        isolation,
        values,
        StepPlacement.DEFAULT,
        CpuSize.SMALL);
  }

  /** A launch whose values all travel as JSON. */
  public StepLaunch(
      String stepVersionId,
      int attempt,
      Path workDir,
      Path logFile,
      String functionName,
      String sourceCode,
      Map<String, JsonNode> kwargs,
      List<String> packageRequirements,
      int memoryGb,
      Duration timeout,
      Map<String, String> environment,
      String runId,
      Isolation isolation) {
    this(
        stepVersionId,
        attempt,
        workDir,
        logFile,
        functionName,
        sourceCode,
        kwargs,
        packageRequirements,
        memoryGb,
        timeout,
        environment,
        runId,
        isolation,
        StepValues.NONE);
  }
}
