package dev.penstock.executor.local;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a step's process tree. The runner makes itself the leader of a new process group whose id is
 * its pid, so the tree is both the descendants the JDK can see and that group, which also holds
 * grandchildren whose parent already exited. Thread-safe: stateless.
 */
final class ProcessTree {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
  private static final Duration KILL_COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private ProcessTree() {}

  /**
   * Sends SIGTERM to the process {@code pid}, its descendants and its group; after {@code grace},
   * or as soon as all of them have exited, sends SIGKILL to whatever is left. {@code exited}
   * completes when the process itself has exited: the JDK only polls, slowly, for processes that
   * are not its children, such as those a fork server made. Blocks for up to the grace.
   */
  static void terminate(long pid, CompletableFuture<?> exited, Duration grace) {
    Optional<ProcessHandle> root = ProcessHandle.of(pid);
    // Descendants must be listed before the root dies: its orphans leave the JDK's view.
    List<ProcessHandle> descendants =
        new ArrayList<>(root.map(handle -> handle.descendants().toList()).orElse(List.of()));
    signalGroup(pid, "TERM");
    root.ifPresent(ProcessHandle::destroy);
    descendants.forEach(ProcessHandle::destroy);
    awaitExit(exited, descendants, grace);
    signalGroup(pid, "KILL");
    root.ifPresent(handle -> handle.descendants().forEach(ProcessHandle::destroyForcibly));
    descendants.forEach(ProcessHandle::destroyForcibly);
    root.ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * Sends SIGKILL to the group led by {@code leaderPid}, to end what a step that died without
   * cleaning up left behind. The leader has exited, so only its group id names the rest. While any
   * member lives the kernel does not hand that id out again; when none does the signal reaches
   * nobody, unless the id was reused in the instants since, which sequential pid allocation makes
   * remote.
   */
  static void killGroup(long leaderPid) {
    signalGroup(leaderPid, "KILL");
  }

  /** The JDK cannot signal a process group, so this runs kill(1). */
  private static void signalGroup(long groupId, String signal) {
    try {
      new ProcessBuilder("kill", "-s", signal, "--", "-" + groupId)
          .redirectErrorStream(true)
          .redirectOutput(Redirect.DISCARD)
          .start()
          .onExit()
          .get(KILL_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      LOG.warn("Cannot send SIG{} to process group {}: {}", signal, groupId, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitExit(
      CompletableFuture<?> exited, List<ProcessHandle> descendants, Duration grace) {
    var exits = new ArrayList<CompletableFuture<?>>();
    exits.add(exited);
    descendants.forEach(descendant -> exits.add(descendant.onExit()));
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
          .get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // the grace is over: the caller kills what is left
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
