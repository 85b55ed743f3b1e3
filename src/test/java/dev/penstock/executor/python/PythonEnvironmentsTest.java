package dev.penstock.executor.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.penstock.executor.python.EnvironmentBuilder.EnvironmentException;
import dev.penstock.model.FailureCause;
import dev.penstock.testing.TestPython;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment cache: one build per requirement set however many steps ask at once, nothing kept
 * from a failed build, and deletion past the size limit of only what nobody uses, here or in
 * another server (a Python process holding the file locks stands in for it). Environments here are
 * made by a stand-in builder, fast; PackageRequirementsTest builds real ones with pip.
 */
class PythonEnvironmentsTest {
  private static final Path PYTHON = Path.of(TestPython.path());

  @TempDir Path root;
  private final FakeBuilder builder = new FakeBuilder();
  private final List<Path> evicted = new ArrayList<>();
  private final List<Process> helpers = new ArrayList<>();
  private final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final BuildLog log = logged::add;

  @AfterEach
  void end_helpers() throws Exception {
    helpers.forEach(Process::destroyForcibly);
  }

  @Test
  void a_step_without_requirements_gets_the_base_python_and_nothing_is_built() throws Exception {
    var lease = environments(Long.MAX_VALUE).acquire(List.of(" ", ""), log());

    assertThat(lease.python()).isEqualTo(PYTHON);
    assertThat(lease.millis()).isZero();
    assertThat(builder.builds).hasValue(0);
  }

  @Test
  void concurrent_steps_asking_for_one_set_in_any_spelling_wait_for_a_single_build()
      throws Exception {
    var environments = environments(Long.MAX_VALUE);
    builder.gate = new CountDownLatch(1);

    var first = acquireAsync(environments, List.of("Pandas>=2", "numpy"));
    await().until(() -> builder.builds.get() == 1);
    var second = acquireAsync(environments, List.of(" numpy ", "pandas>=2", "NumPy"));
    assertThat(second).isNotDone();
    builder.gate.countDown();

    assertThat(second.get(10, TimeUnit.SECONDS).python())
        .isEqualTo(first.get(10, TimeUnit.SECONDS).python());
    assertThat(builder.builds).hasValue(1);
    assertThat(builder.requirements).containsExactly(List.of("numpy", "pandas>=2"));
    assertThat(String.join("\n", logged)).contains("which another step is building");
  }

  @Test
  void a_failed_build_is_not_kept_and_fails_the_steps_that_waited_for_it() throws Exception {
    var environments = environments(Long.MAX_VALUE);
    builder.gate = new CountDownLatch(1);
    builder.failures.set(1);

    var first = acquireAsync(environments, List.of("broken"));
    await().until(() -> builder.builds.get() == 1);
    var waiting = acquireAsync(environments, List.of("broken"));
    builder.gate.countDown();

    assertThat(first).failsWithin(Duration.ofSeconds(10));
    assertThat(waiting)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .withMessage("pip said no");
    assertThat(builder.builds).as("the waiter reuses the failure").hasValue(1);
    assertThat(Files.list(root.resolve("builds"))).isEmpty();
    var retried = environments.acquire(List.of("broken"), log());
    assertThat(retried.python()).exists();
    assertThat(builder.builds).as("a later step builds again").hasValue(2);
  }

  @Test
  void past_the_limit_the_least_recently_used_environment_is_deleted_but_not_one_in_use()
      throws Exception {
    var environments = environments(3500); // room for three environments of about 1000 bytes
    var inUse = environments.acquire(List.of("in-use"), log());
    lastUsed("in-use", 40);
    environments.acquire(List.of("old"), log()).close();
    lastUsed("old", 30);
    environments.acquire(List.of("recent"), log()).close();
    lastUsed("recent", 20);

    environments.acquire(List.of("newest"), log()).close();

    assertThat(evicted).containsExactly(pythonOf("old"));
    assertThat(pythonOf("old")).doesNotExist();
    assertThat(inUse.python()).exists();
    inUse.close();
    lastUsed("in-use", 50);
    environments.acquire(List.of("newer-still"), log()).close();
    assertThat(evicted)
        .as("once released it may go")
        .containsExactly(pythonOf("old"), inUse.python());
    assertThat(pythonOf("recent")).exists();
  }

  @Test
  void an_environment_another_server_is_using_is_not_deleted() throws Exception {
    var environments = environments(1500); // room for one
    Path used;
    try (var lease = environments.acquire(List.of("theirs"), log())) {
      used = lease.python();
    }
    holdLock(key("theirs"), "shared");

    environments.acquire(List.of("mine"), log()).close();

    assertThat(used).exists();
    assertThat(evicted).isEmpty();
  }

  @Test
  void a_build_by_another_server_is_waited_for_and_then_used() throws Exception {
    var environments = environments(Long.MAX_VALUE);
    String key = key("shared-set");
    Process other = holdLock(key, "exclusive");

    var waiting = acquireAsync(environments, List.of("shared-set"));
    await()
        .until(
            () ->
                String.join("\n", logged).contains("waiting for another Penstock server's build"));
    assertThat(waiting).isNotDone();
    Path built = publishAsAnotherServerWould(key);
    other.getOutputStream().close(); // it releases the lock and exits

    assertThat(waiting.get(10, TimeUnit.SECONDS).python()).isEqualTo(built.resolve("bin/python"));
    assertThat(builder.builds).hasValue(0);
  }

  @Test
  void requirement_sets_are_normalised_and_hashed_with_the_interpreter() {
    var set = RequirementSet.of(List.of("  Typing_Extensions >= 4 ", "six", "SIX", "a.b-c[x]"));

    assertThat(set.requirements()).containsExactly("a-b-c[x]", "six", "typing-extensions>= 4");
    assertThat(set.key("python 3.11"))
        .isEqualTo(RequirementSet.of(set.requirements()).key("python 3.11"));
    assertThat(set.key("python 3.11")).isNotEqualTo(set.key("python 3.12"));
    assertThatThrownBy(() -> RequirementSet.of(List.of("-r requirements.txt")))
        .hasMessageContaining("not a pip requirement specifier");
  }

  private PythonEnvironments environments(long limitBytes) {
    return new PythonEnvironments(PYTHON, root, limitBytes, builder, evicted::add);
  }

  private BuildLog log() {
    return log;
  }

  private CompletableFuture<PythonEnvironments.Lease> acquireAsync(
      PythonEnvironments environments, List<String> requirements) throws Exception {
    BuildLog stepLog = log();
    var lease = new CompletableFuture<PythonEnvironments.Lease>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                lease.complete(environments.acquire(requirements, stepLog));
              } catch (EnvironmentException | RuntimeException e) {
                lease.completeExceptionally(e);
              }
            });
    return lease;
  }

  private String key(String requirement) throws Exception {
    return RequirementSet.of(List.of(requirement)).key(PYTHON + "\n" + PythonVersion.of(PYTHON));
  }

  private Path pythonOf(String requirement) throws Exception {
    return root.resolve("builds")
        .resolve(builder.directories.get(requirement))
        .resolve("bin/python");
  }

  /** Sets an environment's last use to {@code minutesAgo}, as if a step had used it then. */
  private void lastUsed(String requirement, int minutesAgo) throws Exception {
    Files.setLastModifiedTime(
        pythonOf(requirement).getParent().getParent(),
        java.nio.file.attribute.FileTime.from(
            java.time.Instant.now().minus(Duration.ofMinutes(minutesAgo))));
  }

  /** Starts a Python holding {@code <key>.lock} until its stdin closes, as another server would. */
  private Process holdLock(String key, String mode) throws Exception {
    Files.createDirectories(root);
    String script =
        """
        import fcntl, sys
        lock = open(sys.argv[1], "a+")
        fcntl.lockf(lock, fcntl.LOCK_SH if sys.argv[2] == "shared" else fcntl.LOCK_EX)
        print("locked", flush=True)
        sys.stdin.read()
        """;
    Process process =
        new ProcessBuilder(
                PYTHON.toString(), "-c", script, root.resolve(key + ".lock").toString(), mode)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    helpers.add(process);
    var output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    assertThat(output.readLine()).isEqualTo("locked");
    return process;
  }

  /** Lays out an environment the way EnvironmentDirectory publishes one. */
  private Path publishAsAnotherServerWould(String key) throws Exception {
    Path directory = root.resolve("builds").resolve(key + "-0ther5e7");
    FakeBuilder.make(directory, 1000);
    new EnvironmentDirectory(root).publish(key, directory, RequirementSet.of(List.of("x")), 1);
    return directory;
  }

  /** Makes an "environment": bin/python (the test Python) and a file of the wanted size. */
  private static final class FakeBuilder implements EnvironmentBuilder {
    final AtomicInteger builds = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final List<List<String>> requirements = new ArrayList<>();
    final java.util.Map<String, String> directories =
        new java.util.concurrent.ConcurrentHashMap<>();
    volatile CountDownLatch gate;

    @Override
    public void build(Path basePython, Path directory, List<String> wanted, BuildLog log)
        throws EnvironmentException {
      builds.incrementAndGet();
      synchronized (requirements) {
        requirements.add(wanted);
      }
      try {
        if (gate != null) {
          gate.await(10, TimeUnit.SECONDS);
        }
        make(directory, 1000);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      directories.put(String.join(",", wanted), directory.getFileName().toString());
      if (failures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        throw new EnvironmentException(FailureCause.MISSING_PACKAGES, "pip said no");
      }
    }

    static void make(Path directory, int sizeBytes) throws Exception {
      Files.createDirectories(directory.resolve("bin"));
      Files.createSymbolicLink(directory.resolve("bin/python"), PYTHON);
      Files.write(directory.resolve("payload"), new byte[sizeBytes]);
    }
  }
}
