package dev.penstock.executor.local;

import dev.penstock.executor.ProducedFile;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes what a successful step left to be kept out of its working directory: {@code values/} (the
 * outputs the runner stored by reference) and {@code outputs/} (the files the step wrote for its
 * users). Each folder moves by one rename beside the attempt's log, as {@link ClaimedResult} moves
 * the result, so the step can change nothing after it is read, and a link it left is never
 * followed. Only plain files with one link are kept: a link, a pipe or a second name of a file
 * elsewhere is left out. A file over the artifact limit fails the step. Thread-safe: stateless.
 */
final class ClaimedFiles {
  static final List<String> FOLDERS = List.of("values", "outputs");

  private ClaimedFiles() {}

  /**
   * The outcome with its kept files; a failure is returned as it is, its files left for retention.
   */
  static StepOutcome claim(StepLaunch launch, StepOutcome outcome) {
    if (!outcome.succeeded()) {
      return outcome;
    }
    Path attemptDir = launch.logFile().toAbsolutePath().getParent();
    var kept = new ArrayList<ProducedFile>();
    for (String folder : FOLDERS) {
      Path claimed = attemptDir.resolve(folder);
      try {
        Files.move(launch.workDir().resolve(folder), claimed);
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        return StepOutcome.failure(
            FailureCause.OUTPUT_ERROR,
            "cannot keep the step's " + folder + " folder: " + e.getMessage(),
            outcome.exitCode());
      }
      try {
        kept.addAll(plainFiles(folder, claimed));
      } catch (IOException e) {
        ClaimedResult.deleteTree(claimed);
        return StepOutcome.failure(
            FailureCause.OUTPUT_ERROR,
            "cannot read the step's " + folder + " folder: " + e.getMessage(),
            outcome.exitCode());
      }
    }
    long limit = launch.values().maxArtifactBytes();
    for (ProducedFile file : kept) {
      if (limit > 0 && file.size() > limit) {
        FOLDERS.forEach(folder -> ClaimedResult.deleteTree(attemptDir.resolve(folder)));
        return StepOutcome.failure(
            FailureCause.OUTPUT_ERROR,
            "the file %s is %s, over the limit of %s (max-artifact-size)"
                .formatted(file.name(), Sizes.describe(file.size()), Sizes.describe(limit)),
            outcome.exitCode());
      }
    }
    return outcome.withFiles(kept);
  }

  private static List<ProducedFile> plainFiles(String folder, Path claimed) throws IOException {
    var files = new ArrayList<ProducedFile>();
    if (!Files.isDirectory(claimed, LinkOption.NOFOLLOW_LINKS)) {
      return files; // a file or a link named like the folder: nothing to keep
    }
    Files.walkFileTree(
        claimed,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()
                && ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS))
                        .intValue()
                    == 1) {
              String name = folder + "/" + claimed.relativize(file).toString();
              files.add(new ProducedFile(name, file, attributes.size()));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return files;
  }
}
