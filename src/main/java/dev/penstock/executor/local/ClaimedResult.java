package dev.penstock.executor.local;

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
import java.util.function.Function;

/**
 * Takes an ended step's working directory, result.json and kept files in it, out of the step's
 * reach before the server reads anything there. The step owns that directory, and so may, in a warm
 * worker, every step of its run: it may leave, or swap in while the server looks, a link to a file
 * or folder it cannot read itself (the server would read or move it on the step's behalf), a pipe
 * (the read would never end), or a link in place of the directory itself. One rename, which never
 * follows a link, moves the directory into the attempt's directory of the server's, beside the log
 * ({@code work}); only a real directory is read, and in it only plain files. Thread-safe:
 * stateless.
 */
final class ClaimedResult {
  private ClaimedResult() {}

  /**
   * Where an attempt's working directory goes once the step has ended, in its attempt directory.
   */
  static final String CLAIMED = "work";

  static final String NOT_A_FILE =
      "the step left something that is not a file as its " + ResultReader.RESULT_FILE;
  static final String NOT_A_DIRECTORY =
      "the step put something that is not a directory in place of its working directory";

  /** The claimed working directory of {@code launch}, once {@link #read} has moved it. */
  static Path claimedDir(StepLaunch launch) {
    return launch.logFile().toAbsolutePath().getParent().resolve(CLAIMED);
  }

  /**
   * Moves the working directory beside the log and reads the result there with {@code reader},
   * given that directory; a result that is not a plain file, or a working directory that is not a
   * directory, fails the step (OUTPUT_ERROR) unread.
   */
  static StepOutcome read(StepLaunch launch, Function<Path, StepOutcome> reader, Integer exitCode) {
    Path claimed = claimedDir(launch);
    if (Files.exists(claimed, LinkOption.NOFOLLOW_LINKS)
        && Files.exists(launch.workDir(), LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(claimed); // an earlier launch of the same attempt directory's
    }
    try {
      Files.move(launch.workDir().toAbsolutePath(), claimed);
    } catch (NoSuchFileException e) {
      if (!Files.exists(claimed, LinkOption.NOFOLLOW_LINKS)) {
        return reader.apply(claimed); // the step removed it: no result to read
      }
      // claimed already: read it again below
    } catch (IOException e) {
      return StepOutcome.failure(
          FailureCause.OUTPUT_ERROR,
          "cannot take the step's working directory: " + e.getMessage(),
          exitCode);
    }
    if (!Files.isDirectory(claimed, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(claimed);
      return StepOutcome.failure(FailureCause.OUTPUT_ERROR, NOT_A_DIRECTORY, exitCode);
    }
    Path result = claimed.resolve(ResultReader.RESULT_FILE);
    if (Files.exists(result, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(result, LinkOption.NOFOLLOW_LINKS)) {
      return StepOutcome.failure(FailureCause.OUTPUT_ERROR, NOT_A_FILE, exitCode);
    }
    return reader.apply(claimed);
  }

  /** Deletes a file or a directory tree, following no link; what cannot go stays. */
  static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e)
                throws IOException {
              Files.deleteIfExists(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // whatever is left goes with the run's directory at retention
    }
  }
}
