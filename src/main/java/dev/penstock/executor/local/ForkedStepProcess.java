package dev.penstock.executor.local;

import dev.penstock.executor.local.StepStarter.StartException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/**
 * A step's process forked by a {@link ForkServer}, which reports its pid, output pipe and exit. For
 * a step on a warm worker, "exited" means done with the step, and the worker may run the next step
 * of its run: it is signalled only through its fork server, which knows whether it still runs this
 * step. Thread-safe: its state is set once, through futures.
 */
final class ForkedStepProcess implements StepProcess {
  private record Start(long pid, InputStream output) {}

  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;

  private final CompletableFuture<Start> start = new CompletableFuture<>();
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private final IntConsumer workerSignal;

  /** A child of its own. */
  ForkedStepProcess() {
    this(null);
  }

  /**
   * @param workerSignal for a step on a warm worker, sends a signal to the worker's group while it
   *     runs this step (and to nothing once it has moved on); null for a child of its own
   */
  ForkedStepProcess(IntConsumer workerSignal) {
    this.workerSignal = workerSignal;
  }

  /** Opens this JVM's own end of the output pipe at {@code pipe} (under /proc/<server>/fd). */
  void started(long pid, Path pipe) {
    try {
      start.complete(new Start(pid, new FileInputStream(pipe.toFile())));
    } catch (IOException e) {
      ProcessTree.killGroup(pid);
      startFailed("cannot open the step's output pipe from the fork server: " + e.getMessage());
    }
  }

  void startFailed(String message) {
    start.completeExceptionally(new StartException(message));
  }

  void exitedWith(int code) {
    exited.complete(code);
  }

  /** Its fork server died: before the fork that fails the start, after it the exit. */
  void lost(String message) {
    if (pid() > 0) {
      ProcessTree.killGroup(pid()); // its watchdog would too, within a quarter second
    }
    startFailed(message);
    exited.completeExceptionally(new WorkerLostException(message));
  }

  void awaitStart(Duration timeout) throws StartException {
    try {
      start.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StartException cause
          ? cause
          : new StartException("the fork server failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw new StartException("the fork server did not start the step within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("interrupted while the fork server started the step");
    }
  }

  @Override
  public long pid() {
    return start.isDone() && !start.isCompletedExceptionally() ? start.join().pid() : -1;
  }

  @Override
  public InputStream output() {
    return start.join().output();
  }

  @Override
  public CompletableFuture<Integer> exited() {
    return exited;
  }

  @Override
  public void terminate(Duration grace) {
    if (workerSignal == null) {
      ProcessTree.terminate(pid(), exited, grace);
      return;
    }
    workerSignal.accept(SIGTERM);
    try {
      exited.get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      workerSignal.accept(SIGKILL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workerSignal.accept(SIGKILL);
    }
  }
}
