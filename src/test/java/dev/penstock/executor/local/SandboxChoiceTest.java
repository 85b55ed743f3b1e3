package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.executor.local.SandboxProbe.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which sandbox start-up chooses for what is configured and what the machine offers. */
class SandboxChoiceTest {
  private static final StepUser ROOT = new StepUser("root", 0, 0);
  private static final StepUser NOBODY = new StepUser("nobody", 65534, 65534);
  private static final StepUser ALICE = new StepUser("alice", 1000, 1000);
  private static final Function<String, String> BWRAP_WORKS = bwrap -> null;
  private static final Function<String, String> NO_BWRAP = bwrap -> "cannot run " + bwrap;

  @Test
  void auto_takes_landlock_then_bubblewrap_then_none() {
    assertThat(choose(StepIsolation.AUTO, platform(7), NOBODY, ROOT, BWRAP_WORKS).isolation())
        .isEqualTo(StepIsolation.LANDLOCK);
    assertThat(choose(StepIsolation.AUTO, platform(2), NOBODY, ROOT, BWRAP_WORKS).isolation())
        .isEqualTo(StepIsolation.BUBBLEWRAP);
    assertThat(choose(StepIsolation.AUTO, platform(0), NOBODY, ROOT, NO_BWRAP).isolation())
        .isEqualTo(StepIsolation.NONE);
  }

  @Test
  void an_isolation_asked_for_by_name_and_missing_fails_closed_in_one_line() {
    assertThatThrownBy(() -> choose(StepIsolation.LANDLOCK, platform(2), NOBODY, ROOT, NO_BWRAP))
        .isInstanceOf(SandboxException.class)
        .hasMessageStartingWith("step-isolation=landlock: this kernel has Landlock ABI 2")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> choose(StepIsolation.BUBBLEWRAP, platform(7), NOBODY, ROOT, NO_BWRAP))
        .hasMessage("step-isolation=bubblewrap: cannot run bwrap");
  }

  @Test
  void steps_run_as_another_user_only_when_the_server_is_root() {
    StepSandbox asRoot = choose(StepIsolation.NONE, platform(7), NOBODY, ROOT, NO_BWRAP);
    assertThat(asRoot.user()).isEqualTo(NOBODY);
    assertThat(asRoot.userNamespace()).isTrue();
    assertThat(choose(StepIsolation.NONE, platform(7), ALICE, ALICE, NO_BWRAP).user()).isNull();
    assertThatThrownBy(() -> choose(StepIsolation.NONE, platform(7), NOBODY, ALICE, NO_BWRAP))
        .hasMessage(
            "step-user=nobody: only a server running as root can run steps as another user");
  }

  @Test
  void steps_running_as_root_get_no_user_namespace_where_no_process_limit_would_bind() {
    StepSandbox sandbox = choose(StepIsolation.LANDLOCK, platform(7), ROOT, ROOT, NO_BWRAP);
    assertThat(sandbox.user()).isNull();
    assertThat(sandbox.userNamespace()).isFalse();
    assertThat(sandbox.pidNamespace()).isTrue();
  }

  @Test
  void bubblewrap_gives_each_step_a_pid_namespace_even_where_the_runner_could_not_make_one() {
    var noNamespaces = new Platform(0, true, false, false, List.of(), true);
    assertThat(
            choose(StepIsolation.BUBBLEWRAP, noNamespaces, NOBODY, ROOT, BWRAP_WORKS)
                .pidNamespace())
        .isTrue();
    assertThat(choose(StepIsolation.NONE, noNamespaces, NOBODY, ROOT, BWRAP_WORKS).pidNamespace())
        .isFalse();
  }

  private static Platform platform(int landlockAbi) {
    return new Platform(landlockAbi, true, true, true, List.of(Path.of("/usr")), true);
  }

  private static StepSandbox choose(
      StepIsolation isolation,
      Platform platform,
      StepUser user,
      StepUser server,
      Function<String, String> bwrap) {
    var request =
        new SandboxChoice.Request(
            isolation,
            user,
            server,
            "bwrap",
            64,
            1 << 20,
            1 << 30,
            List.of(Path.of("/srv/penstock")),
            List.of(),
            Path.of("/srv/penstock/runs"));
    return SandboxChoice.choose(request, platform, bwrap);
  }
}
