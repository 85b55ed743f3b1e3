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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Function;

/**
 * Takes a step's result.json out of its working directory before the server reads it. The step owns
 * that directory and may leave there, or swap in while the server looks, a link to a file it cannot
 * read itself (the server would read it on its behalf) or a pipe (the read would never end). Moved
 * by rename, which never follows a link, into the attempt's directory of the server's, where
 * nothing of the step can change it, the file is read only if it is a plain file. Thread-safe:
 * stateless.
 */
final class ClaimedResult {
  private ClaimedResult() {}

  static final String NOT_A_FILE =
      "the step left something that is not a file as its " + ResultReader.RESULT_FILE;

  /**
   * Moves the result beside the log and reads it there with {@code reader}, given that directory; a
   * result that is not a plain file fails the step (OUTPUT_ERROR) unread.
   */
  static StepOutcome read(StepLaunch launch, Function<Path, StepOutcome> reader, Integer exitCode) {
    Path written = launch.workDir().resolve(ResultReader.RESULT_FILE);
    Path directory = launch.logFile().toAbsolutePath().getParent();
    Path claimed = directory.resolve(ResultReader.RESULT_FILE);
    try {
      Files.move(written, claimed, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      return reader.apply(directory); // none written, or claimed already
    } catch (IOException e) {
      deleteTree(claimed);
      return StepOutcome.failure(FailureCause.OUTPUT_ERROR, NOT_A_FILE, exitCode);
    }
    if (!Files.isRegularFile(claimed, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(claimed);
      return StepOutcome.failure(FailureCause.OUTPUT_ERROR, NOT_A_FILE, exitCode);
    }
    return reader.apply(directory);
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
