package dev.penstock.executor.local;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
   * Sends SIGTERM to the process, its descendants and its group; after {@code grace}, or as soon as
   * all of them have exited, sends SIGKILL to whatever is left. Blocks for up to the grace.
   */
  static void terminate(ProcessHandle root, Duration grace) {
    // Descendants must be listed before the root dies: its orphans leave the JDK's view.
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    signalGroup(root.pid(), "TERM");
    tree.forEach(ProcessHandle::destroy);
    awaitExit(tree, grace);
    signalGroup(root.pid(), "KILL");
    root.descendants().forEach(ProcessHandle::destroyForcibly);
    tree.forEach(ProcessHandle::destroyForcibly);
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

  private static void awaitExit(List<ProcessHandle> processes, Duration grace) {
    var exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // the grace is over: the caller kills what is left
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
