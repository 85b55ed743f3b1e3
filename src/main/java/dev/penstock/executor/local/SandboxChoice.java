package dev.penstock.executor.local;

import dev.penstock.executor.local.SandboxProbe.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Chooses the step sandbox at start-up from what is configured and what the machine offers. An
 * isolation that is configured by name and unavailable stops the start (fail closed); {@code auto}
 * takes the strongest available: Landlock, then bubblewrap, then none. Thread-safe: stateless.
 */
public final class SandboxChoice {
  /**
   * Landlock from ABI 3 (Linux 6.2) on: before it, a step could still truncate a file of the
   * server's it knows the path of.
   */
  static final int LANDLOCK_MIN_ABI = 3;

  /**
   * What is configured.
   *
   * @param user who steps run as (the server's own user when it is not root)
   * @param server who the server runs as
   * @param bwrap the bubblewrap binary, a path or a name on PATH
   */
  public record Request(
      StepIsolation isolation,
      StepUser user,
      StepUser server,
      String bwrap,
      int processLimit,
      long fileSizeLimitBytes,
      long diskBudgetBytes,
      List<Path> hidden,
      List<Path> shared,
      Path stepRoot) {}

  private SandboxChoice() {}

  /** Chooses, trying bwrap with a trial run when it may be needed. */
  public static StepSandbox choose(Request request, Platform platform) {
    return choose(request, platform, Bubblewrap::problem);
  }

  /**
   * @param bubblewrapProblem says why a bwrap binary cannot sandbox a step here, or null when it
   *     can
   */
  static StepSandbox choose(
      Request request, Platform platform, Function<String, String> bubblewrapProblem) {
    boolean anotherUser = request.user().uid() != request.server().uid();
    if (anotherUser && !request.server().isRoot()) {
      throw new SandboxException(
          "step-user="
              + request.user().name()
              + ": only a server running as root can run steps as another user");
    }
    if (!platform.interpreterReadable()) {
      throw new SandboxException(
          "step-user="
              + request.user().name()
              + ": that user cannot read the steps' Python; choose a --python it can read, such as"
              + " /usr/bin/python3, or another --step-user");
    }
    StepIsolation isolation =
        switch (request.isolation()) {
          case LANDLOCK -> {
            if (platform.landlockAbi() < LANDLOCK_MIN_ABI) {
              throw new SandboxException(
                  "step-isolation=landlock: this kernel "
                      + (platform.landlockAbi() == 0
                          ? "has no Landlock"
                          : "has Landlock ABI "
                              + platform.landlockAbi()
                              + ", which cannot keep steps from truncating files (ABI 3, Linux"
                              + " 6.2, can)")
                      + "; choose bubblewrap, none or auto");
            }
            yield StepIsolation.LANDLOCK;
          }
          case BUBBLEWRAP -> {
            String problem = bubblewrapProblem.apply(request.bwrap());
            if (problem != null) {
              throw new SandboxException("step-isolation=bubblewrap: " + problem);
            }
            yield StepIsolation.BUBBLEWRAP;
          }
          case NONE -> StepIsolation.NONE;
          case AUTO -> {
            if (platform.landlockAbi() >= LANDLOCK_MIN_ABI) {
              yield StepIsolation.LANDLOCK;
            }
            yield bubblewrapProblem.apply(request.bwrap()) == null
                ? StepIsolation.BUBBLEWRAP
                : StepIsolation.NONE;
          }
        };
    boolean pidNamespace = isolation == StepIsolation.BUBBLEWRAP || platform.pidNamespace();
    return new StepSandbox(
        isolation,
        anotherUser ? request.user() : null,
        platform.landlockAbi(),
        // RLIMIT_NPROC never binds root, and mapping root into a namespace needs CAP_SETFCAP.
        platform.userNamespace() && !request.user().isRoot(),
        pidNamespace,
        request.processLimit(),
        request.fileSizeLimitBytes(),
        request.diskBudgetBytes(),
        request.hidden(),
        request.shared(),
        request.stepRoot(),
        Path.of(request.bwrap()),
        platform.interpreter());
  }
}
