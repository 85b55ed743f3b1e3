package dev.penstock.engine.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.engine.artifact.InputFiles;
import dev.penstock.engine.artifact.ValueLimits;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepValues;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import dev.penstock.store.ArtifactFiles;
import dev.penstock.store.RunStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes an attempt's directory ready (the note opening a later attempt's log, the run's modules)
 * and describes its launch, with the environment a step gets. Thread-safe.
 */
final class AttemptSetup {
  /** Where a step writes the files its users may download (PENSTOCK_OUTPUTS_DIR). */
  static final String OUTPUTS_FOLDER = "outputs";

  private final RunStore runs;
  private final Workspace workspace;
  private final RunKeys runKeys;
  private final Supplier<String> serverUrl;
  private final List<String> stepRequirements;
  private final ValueLimits valueLimits;
  private final ArtifactFiles files;

  AttemptSetup(
      RunStore runs,
      Workspace workspace,
      RunKeys runKeys,
      Supplier<String> serverUrl,
      List<String> stepRequirements,
      ValueLimits valueLimits,
      ArtifactFiles files) {
    this.files = files;
    this.stepRequirements = stepRequirements;
    this.valueLimits = valueLimits;
    this.runs = runs;
    this.workspace = workspace;
    this.runKeys = runKeys;
    this.serverUrl = serverUrl;
  }

  /**
   * The attempt's launch, its directory made and the stored values it is given copied there; throws
   * when the disk or the store fails, or when a stored value is gone (the step's fault, as a
   * missing argument is).
   */
  StepLaunch prepare(
      PipelineVersion version, StepVersion step, int attempt, Map<String, JsonNode> kwargs)
      throws IOException, InputFiles.MissingInput {
    var dir = workspace.workDir(version.id(), step.id(), attempt);
    var logFile = workspace.logFile(version.id(), step.id(), attempt);
    // New, never found: a step of the run may have put a link where this attempt's directory
    // goes, for the server to write modules and inputs through.
    Files.createDirectories(dir.getParent());
    Files.createDirectory(dir);
    Files.createDirectories(logFile.getParent());
    if (attempt > 1) {
      writeAttemptNote(step, attempt, logFile);
    }
    writeModules(step, dir);
    Path outputs = dir.resolve(OUTPUTS_FOLDER);
    Files.createDirectory(outputs);
    var inputs = InputFiles.copy(runs, files, version.id(), dir, kwargs);
    return launchOf(version, step, attempt, kwargs, inputs);
  }

  /**
   * The launch of an attempt that was prepared and launched before (by a server process that has
   * since died), to take it up where its executor still runs it: its directories are not touched,
   * and its arguments, given already, are not bound again.
   */
  StepLaunch adopted(PipelineVersion version, StepVersion step, int attempt) {
    return launchOf(version, step, attempt, Map.of(), Map.of());
  }

  private StepLaunch launchOf(
      PipelineVersion version,
      StepVersion step,
      int attempt,
      Map<String, JsonNode> kwargs,
      Map<String, StepValues.Input> inputs) {
    var dir = workspace.workDir(version.id(), step.id(), attempt);
    Path outputs = dir.resolve(OUTPUTS_FOLDER);
    var environment =
        Map.of(
            "ABACUS_API_KEY", runKeys.keyFor(version.id()),
            "ABACUS_API_SERVER", serverUrl.get(),
            "ABACUS_PIPELINE_ID", version.pipelineId(),
            "PENSTOCK_PIPELINE_VERSION", version.id(),
            "PENSTOCK_STEP_NAME", step.stepName(),
            "PENSTOCK_OUTPUTS_DIR", outputs.toAbsolutePath().toString(),
            "PYTHONPATH", modulesDir(dir).toString());
    return new StepLaunch(
        step.id(),
        attempt,
        dir,
        workspace.logFile(version.id(), step.id(), attempt),
        step.functionName(),
        step.sourceCode(),
        kwargs,
        requirements(step),
        step.memoryGb(),
        Duration.ofMinutes(step.timeoutMinutes()),
        environment,
        version.id(),
        version.isolation(),
        new StepValues(
            step.outputs(), inputs, valueLimits.inlineBytes(), valueLimits.maxArtifactBytes()),
        version.placement(),
        step.cpuSize());
  }

  /** The step's own requirements, and those the server gives every step. */
  private List<String> requirements(StepVersion step) {
    if (stepRequirements.isEmpty()) {
      return step.packageRequirements();
    }
    var all = new ArrayList<String>();
    if (step.packageRequirements() != null) {
      all.addAll(step.packageRequirements());
    }
    all.addAll(stepRequirements);
    return all;
  }

  private void writeAttemptNote(StepVersion step, int attempt, Path logFile) throws IOException {
    // The newest return to PENDING says why the previous attempt did not finish.
    String reason = null;
    for (var change : runs.history(step.id())) {
      if (change.status().equals("PENDING")
          && change.attempt() == attempt - 1
          && change.reason() != null) {
        reason = change.reason();
      }
    }
    String note =
        "[penstock] attempt %d of step '%s' starts%s%n"
            .formatted(attempt, step.stepName(), reason == null ? "" : ": " + reason);
    Files.writeString(
        logFile,
        note,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** The run's snapshot of the modules the step imports, as files its Python finds on its path. */
  private static void writeModules(StepVersion step, Path workDir) throws IOException {
    Path folder = modulesDir(workDir);
    Files.createDirectory(folder);
    if (step.modules() == null) {
      return;
    }
    for (var module : step.modules().entrySet()) {
      Files.writeString(folder.resolve(module.getKey() + ".py"), module.getValue());
    }
  }

  private static Path modulesDir(Path workDir) {
    return workDir.resolve("modules");
  }
}
