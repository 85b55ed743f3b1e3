package dev.penstock.executor.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every step's process is confined to, as chosen at start-up ({@link SandboxChoice}); the
 * Python side, penstock_sandbox.py, applies it. Immutable.
 *
 * @param isolation LANDLOCK, BUBBLEWRAP or NONE (never AUTO)
 * @param user who steps run as; null: the server's own user
 * @param landlockAbi the kernel's Landlock ABI, for LANDLOCK
 * @param userNamespace each step gets a user namespace of its own, where RLIMIT_NPROC counts only
 *     its processes
 * @param pidNamespace each step is init of a PID namespace of its own, whose other processes end
 *     with it
 * @param processLimit RLIMIT_NPROC, 0 for none
 * @param fileSizeLimitBytes RLIMIT_FSIZE, 0 for none
 * @param diskBudgetBytes most a step may keep in its working directory, 0 for no limit
 * @param hidden what no step may reach (the data directory, the config file), for LANDLOCK and
 *     BUBBLEWRAP
 * @param shared directories every step may read and write besides its own
 * @param stepRoot the directory of every step's working directory (runs/); null when steps run as
 *     the server's user and directories need no care
 * @param bwrap the bubblewrap binary, for BUBBLEWRAP
 * @param interpreter where the base Python lives, which bubblewrap mounts
 */
public record StepSandbox(
    StepIsolation isolation,
    StepUser user,
    int landlockAbi,
    boolean userNamespace,
    boolean pidNamespace,
    int processLimit,
    long fileSizeLimitBytes,
    long diskBudgetBytes,
    List<Path> hidden,
    List<Path> shared,
    Path stepRoot,
    Path bwrap,
    List<Path> interpreter) {

  public StepSandbox {
    hidden = List.copyOf(hidden);
    shared = List.copyOf(shared);
    interpreter = List.copyOf(interpreter);
  }

  /** Steps run as the server does, unconfined: for tests of other things. */
  public static StepSandbox unconfined() {
    return new StepSandbox(
        StepIsolation.NONE,
        null,
        0,
        false,
        false,
        0,
        0,
        0,
        List.of(),
        List.of(),
        null,
        null,
        List.of());
  }

  /** Whether penstock_sandbox.py has anything to do for a step. */
  boolean confines() {
    return isolation != StepIsolation.NONE
        || user != null
        || userNamespace
        || pidNamespace
        || processLimit > 0
        || fileSizeLimitBytes > 0;
  }

  /**
   * The settings penstock_sandbox.py reads (see its docstring); null when it has nothing to do.
   *
   * @param pidNamespaceBy "make" when the fork server or the runner makes the step's PID namespace,
   *     "given" when bubblewrap did
   * @param readable what the step reads inside the hidden paths: the runner's directory
   */
  Map<String, Object> settings(String pidNamespaceBy, Path readable) {
    if (!confines()) {
      return null;
    }
    var settings = new LinkedHashMap<String, Object>();
    settings.put("user", user == null ? null : List.of(user.uid(), user.gid()));
    settings.put("user_namespace", userNamespace);
    settings.put("pid_namespace", pidNamespace ? pidNamespaceBy : null);
    settings.put("process_limit", processLimit);
    settings.put("file_size_limit", fileSizeLimitBytes);
    settings.put("home", user != null);
    if (isolation == StepIsolation.LANDLOCK) {
      settings.put(
          "landlock",
          Map.of(
              "abi",
              landlockAbi,
              "hidden",
              hidden.stream().map(Path::toString).toList(),
              "readable",
              List.of(readable.toString()),
              "writable",
              shared.stream().map(Path::toString).toList()));
    } else {
      settings.put("landlock", null);
    }
    return settings;
  }

  /** One line for the log: the isolation in force and the limits. */
  public String describe() {
    String how =
        switch (isolation) {
          case LANDLOCK -> "isolated by Landlock (ABI " + landlockAbi + ")";
          case BUBBLEWRAP -> "isolated by bubblewrap (" + bwrap + "), a fresh Python each";
          default -> "not isolated from the server's files (step-isolation none)";
        };
    String as = user == null ? "as the server's own user" : "as " + user.describe();
    String namespaces =
        pidNamespace
            ? ", each in its own PID" + (userNamespace ? " and user" : "") + " namespace"
            : ", sharing the server's PID namespace";
    String processes =
        processLimit == 0
            ? "no process limit"
            : processLimit
                + (userNamespace
                    ? " processes (RLIMIT_NPROC in its user namespace)"
                    : " processes (RLIMIT_NPROC, counted over every step of its user)");
    return "Steps run "
        + how
        + ", "
        + as
        + namespaces
        + "; limits per step: "
        + processes
        + ", files up to "
        + Sizes.describe(fileSizeLimitBytes)
        + ", "
        + Sizes.describe(diskBudgetBytes)
        + " in its working directory";
  }
}
