package dev.penstock.engine.attempt;

import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a step running elsewhere (in a Kubernetes pod) sends back to the server that launched it:
 * the files it left to be kept and its result.json, each written into the attempt's working
 * directory here, where the executor reads them as a local runner's once the pod has ended. Only
 * the attempt's own token is taken, and only while the store shows the step RUNNING at that
 * attempt: a superseded attempt writes nothing. Thread-safe: stateless but for the store.
 */
public final class AttemptUploads {
  /** Why an upload is refused, with the HTTP status that says so. */
  public static final class Refused extends RuntimeException {
    private final int status;

    public Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static final Pattern SAFE_PART = Pattern.compile("[^/\\\\\\x00]{1,255}");

  private final RunStore runs;
  private final Workspace workspace;
  private final RunKeys keys;
  private final List<String> keptFolders;
  private final long maxResultBytes;
  private final long maxFileBytes;

  /**
   * @param keptFolders the folders of a working directory whose files are kept
   * @param maxResultBytes the most bytes a result.json may take
   * @param maxFileBytes the most bytes one kept file may take
   */
  public AttemptUploads(
      RunStore runs,
      Workspace workspace,
      RunKeys keys,
      List<String> keptFolders,
      long maxResultBytes,
      long maxFileBytes) {
    this.maxResultBytes = maxResultBytes;
    this.maxFileBytes = maxFileBytes;
    this.runs = runs;
    this.workspace = workspace;
    this.keys = keys;
    this.keptFolders = List.copyOf(keptFolders);
  }

  public long maxResultBytes() {
    return maxResultBytes;
  }

  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * The attempt's working directory on this server, once {@code token} is the attempt's and the
   * attempt is the step's current one, RUNNING.
   */
  public Path workDir(String stepVersionId, int attempt, String token) {
    if (!keys.isAttemptToken(token, stepVersionId, attempt)) {
      throw new Refused(401, "the token is not this attempt's");
    }
    StepVersion step =
        runs.findStepVersion(stepVersionId)
            .orElseThrow(() -> new Refused(404, "no step version " + stepVersionId));
    if (step.status() != StepStatus.RUNNING || step.attempt() != attempt) {
      throw new Refused(
          409,
          "attempt %d of step version %s is no longer running (the step is %s at attempt %d)"
              .formatted(attempt, stepVersionId, step.status(), step.attempt()));
    }
    Path dir = workspace.workDir(step.pipelineVersionId(), stepVersionId, attempt);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(
          409, "this server did not launch attempt " + attempt + " of " + stepVersionId);
    }
    return dir;
  }

  /**
   * Where a kept file named {@code relative} (such as outputs/plot.png) goes: under one of the kept
   * folders, with no part that climbs out.
   */
  public Path keptFile(Path workDir, String relative) {
    String[] parts = relative.split("/");
    boolean safe = parts.length >= 2 && keptFolders.contains(parts[0]);
    for (String part : parts) {
      safe &= SAFE_PART.matcher(part).matches() && !part.equals(".") && !part.equals("..");
    }
    if (!safe) {
      throw new Refused(
          400, "a kept file must lie under one of " + keptFolders + ", not " + relative);
    }
    return workDir.resolve(relative);
  }
}
