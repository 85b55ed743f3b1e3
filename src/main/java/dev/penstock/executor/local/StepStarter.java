package dev.penstock.executor.local;

import dev.penstock.executor.StepLaunch;
import java.nio.file.Path;

/** Starts an attempt's process in a given interpreter. Implementations are thread-safe. */
interface StepStarter {

  /**
   * Starts {@code penstock_runner}'s step for {@code launch} in {@code python}, with the launch's
   * environment variables added to the server's.
   */
  StepProcess start(StepLaunch launch, Path python) throws StartException;

  /** The process could not be started; the message says why and what to do, for the user. */
  final class StartException extends Exception {
    StartException(String message) {
      super(message);
    }
  }
}
