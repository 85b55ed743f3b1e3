package dev.penstock.engine.attempt;

import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What a step running elsewhere (in a Kubernetes pod) exchanges with the server that launched it:
 * the files of its working directory as a bundle, when they were too large for its Secret; then the
 * files it left to be kept and its result.json, each written into the attempt's working directory
 * here, where the executor reads them as a local runner's once the pod has ended. Only the
 * attempt's own token is taken, and only while the store shows the step RUNNING at that attempt: a
 * superseded attempt writes nothing. The step holds that token, so what it sends is held to the
 * limits a local step's files are: each kept file to {@code maxFileBytes}, result.json to {@code
 * maxResultBytes}, and all it keeps together to its disk budget. Thread-safe.
 */
public final class AttemptUploads {
  /** Why an exchange is refused, with the HTTP status that says so. */
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

  /** What a pod will send: each kept file's size by its path, and result.json's size. */
  public record Manifest(Map<String, Long> files, long resultBytes) {}

  private static final String RESULT_FILE = "result.json";
  private static final Pattern SAFE_PART = Pattern.compile("[^/\\\\\\x00]{1,255}");

  private final RunStore runs;
  private final Workspace workspace;
  private final RunKeys keys;
  private final List<String> keptFolders;
  private final long maxResultBytes;
  private final long maxFileBytes;
  private final long diskBudgetBytes;
  private final Map<Path, Tally> tallies = new ConcurrentHashMap<>();

  /**
   * @param keptFolders the folders of a working directory whose files are kept
   * @param maxResultBytes the most bytes a result.json may take
   * @param maxFileBytes the most bytes one kept file may take
   * @param diskBudgetBytes the most an attempt may keep in its working directory
   */
  public AttemptUploads(
      RunStore runs,
      Workspace workspace,
      RunKeys keys,
      List<String> keptFolders,
      long maxResultBytes,
      long maxFileBytes,
      long diskBudgetBytes) {
    this.runs = runs;
    this.workspace = workspace;
    this.keys = keys;
    this.keptFolders = List.copyOf(keptFolders);
    this.maxResultBytes = maxResultBytes;
    this.maxFileBytes = maxFileBytes;
    this.diskBudgetBytes = diskBudgetBytes;
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
   * folders, with no part that climbs out, and not in place of a folder or through a link.
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
    Path target = workDir.resolve(relative);
    for (Path at = target; !at.equals(workDir); at = at.getParent()) {
      boolean last = at.equals(target);
      if (Files.isSymbolicLink(at)
          || (last && Files.isDirectory(at))
          || (!last && Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at))) {
        throw new Refused(400, relative + " clashes with what the attempt already sent");
      }
    }
    return target;
  }

  public Path resultFile(Path workDir) {
    return workDir.resolve(RESULT_FILE);
  }

  /**
   * Refuses, before anything is sent, what would be refused as it came: a path no kept file may
   * have, a file over its limit, result.json over its own, or all the files over the budget.
   */
  public void checkManifest(Path workDir, Manifest manifest) {
    long total = 0;
    for (var file : manifest.files().entrySet()) {
      keptFile(workDir, file.getKey());
      long size = file.getValue();
      if (size < 0 || size > maxFileBytes) {
        throw new Refused(
            413,
            "%s is %d bytes, over the limit of %d (max-artifact-size)"
                .formatted(file.getKey(), size, maxFileBytes));
      }
      total += size;
    }
    if (total > diskBudgetBytes) {
      throw new Refused(
          413,
          "the files the step keeps are %d bytes together, over its disk budget of %d"
              .formatted(total, diskBudgetBytes));
    }
    if (manifest.resultBytes() < 0 || manifest.resultBytes() > maxResultBytes) {
      throw new Refused(
          413,
          "result.json is %d bytes, over the limit of %d (max-output-size)"
              .formatted(manifest.resultBytes(), maxResultBytes));
    }
  }

  /**
   * What one attempt has sent so far, kept as it arrives rather than read again from the disk on
   * each upload; its uploads hold it to take turns, so that together they stay within its room.
   */
  public Tally tallyOf(Path workDir) {
    return tallies.computeIfAbsent(workDir, Tally::new);
  }

  /** The attempt sent its result, its last upload: its tally is no longer needed. */
  public void finished(Path workDir) {
    tallies.remove(workDir);
  }

  /** The sizes of the files one attempt kept so far. Not thread-safe: callers hold it. */
  public final class Tally {
    private final Path workDir;
    private final Map<Path, Long> sizes = new HashMap<>();
    private long total;

    private Tally(Path workDir) {
      this.workDir = workDir;
    }

    /**
     * How many bytes {@code target} may take now: its own limit, within what the attempt's disk
     * budget has left beside the other files it kept (a file sent again replaces itself).
     */
    public long room(Path target) {
      if (target.equals(resultFile(workDir))) {
        return maxResultBytes; // held to its own limit, as a local runner's is
      }
      long others = total - sizes.getOrDefault(target, 0L);
      return Math.max(0, Math.min(maxFileBytes, diskBudgetBytes - others));
    }

    /** {@code target} now holds {@code size} bytes. */
    public void received(Path target, long size) {
      if (!target.equals(resultFile(workDir))) {
        Long before = sizes.put(target, size);
        total += size - (before == null ? 0 : before);
      }
    }
  }

  /**
   * The plain files of the working directory as a zip, by their paths relative to it, written to a
   * temporary file (the stored values it holds may be large) that the caller deletes.
   */
  public Path bundle(Path workDir) throws IOException {
    Path zipped = Files.createTempFile("penstock-bundle-", ".zip");
    try (var zip = new ZipOutputStream(Files.newOutputStream(zipped))) {
      for (Path file : files(workDir)) {
        zip.putNextEntry(new ZipEntry(workDir.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(zipped);
      throw e;
    }
    return zipped;
  }

  /** The plain files under {@code root}, links not followed; none when it does not exist. */
  private static List<Path> files(Path root) {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
