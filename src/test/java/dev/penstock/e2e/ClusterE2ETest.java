package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ApiException;
import dev.penstock.testing.EmbeddedPostgresServer;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes on one real PostgreSQL database (issue 13): runs sent to one node are
 * run by all three; a node killed or frozen mid-step loses its steps to the others within seconds,
 * and no step completes twice. Which node ran an attempt is read from the nodes' data directories,
 * where each keeps the attempts it ran.
 */
class ClusterE2ETest {
  private static final String NAPS =
      """
      import os, pathlib, time

      def nap(shared, seconds):
          # The pid the test sees: a step is PID 1 of a namespace of its own.
          pathlib.Path(shared, os.readlink("/proc/self")).write_text("")
          print(f"napping {seconds} s", flush=True)
          time.sleep(seconds)
          return seconds
      """;

  // A first attempt far longer than the test waits after the thaw (only being stopped ends it in
  // time); a rerun that ends at once.
  private static final String FIRST_NAP_LONG =
      """
      import os, pathlib, time

      def nap(shared, name):
          pathlib.Path(shared, os.readlink("/proc/self")).write_text("")
          first = pathlib.Path(shared, "ran-" + name)
          if first.exists():
              return 0
          first.write_text("")
          time.sleep(15)
          return 15
      """;

  @TempDir Path node0;
  @TempDir Path node1;
  @TempDir Path node2;
  private final Path shared = SharedFolders.create();
  private final List<Path> dataDirs = new ArrayList<>();
  private final List<ServerProcess> nodes = new ArrayList<>();
  private String database;

  @AfterEach
  void stopNodes() throws Exception {
    for (ServerProcess node : nodes) {
      node.close();
    }
  }

  /**
   * Three nodes on a new database, each running at most two steps at once, started side by side as
   * an operator would: the first to start migrates the database, the others wait for it.
   */
  private void startCluster(String... args) throws Exception {
    database = EmbeddedPostgresServer.newDatabase();
    dataDirs.addAll(List.of(node0, node1, node2));
    var starting = new ArrayList<CompletableFuture<ServerProcess>>();
    for (int i = 0; i < 3; i++) {
      int index = i;
      starting.add(CompletableFuture.supplyAsync(() -> startNode(index, args)));
    }
    for (var node : starting) {
      nodes.add(node.get(2, TimeUnit.MINUTES));
    }
  }

  /** Node {@code index}, with {@code args} after the cluster's settings. */
  private ServerProcess startNode(int index, String... args) {
    var all =
        new ArrayList<>(
            List.of("--db-url", database, "--drain-grace", "30s", "--retention-interval", "1s"));
    all.addAll(List.of(args));
    return ServerProcess.start(dataDirs.get(index), all.toArray(String[]::new));
  }

  private String pipelineOfNaps(AbacusClient client, int steps, double seconds) {
    String pipelineId = createPipeline(client, Steps.uniqueName("cluster"));
    for (int i = 0; i < steps; i++) {
      StepRequest.named("nap" + i)
          .source(NAPS)
          .function("nap")
          .input("shared", "STRING", shared.toString())
          .input("seconds", "FLOAT", seconds)
          .output("slept", "FLOAT")
          .addTo(client, pipelineId);
    }
    return pipelineId;
  }

  /**
   * Also: a step's log reads the same from every node, whichever ran it (those that did not read
   * what it shipped to the database); and once the pipeline is deleted through one node, every node
   * deletes the files it kept of its runs.
   */
  @Test
  void runs_sent_to_one_node_are_run_by_all_three() throws Exception {
    startCluster();
    AbacusClient client = nodes.get(0).client();
    String pipelineId = pipelineOfNaps(client, 6, 1.0);

    String first = Steps.run(client, pipelineId, List.of());
    String second = Steps.run(client, pipelineId, List.of());

    for (String versionId : List.of(first, second)) {
      JsonNode version = Steps.awaitFinished(client, versionId);
      assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
      assertOneCompleteAttemptPerStep(version);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(attemptsRunBy(i)).as("attempts node %d ran", i).isNotEmpty();
    }
    JsonNode version = Steps.awaitFinished(client, first);
    for (JsonNode step : version.path("stepVersions")) {
      for (ServerProcess node : nodes) {
        assertThat(Steps.logs(node.client(), step))
            .as("the log of %s read through %s", step.path("stepName").asText(), node.url())
            .contains("napping 1.0 s");
      }
    }

    client.call("deletePipeline", params("pipelineId", pipelineId));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                dataDirs.stream()
                    .flatMap(dir -> Stream.of(first, second).map(run -> dir.resolve("runs/" + run)))
                    .noneMatch(Files::exists));
  }

  @Test
  void a_node_with_the_api_role_alone_runs_no_step_and_one_with_the_worker_role_alone_serves_none()
      throws Exception {
    database = EmbeddedPostgresServer.newDatabase();
    dataDirs.addAll(List.of(node0, node1, node2));
    nodes.add(startNode(0, "--roles", "api"));
    nodes.add(startNode(1, "--roles", "worker"));
    AbacusClient client = nodes.get(0).client();
    String pipelineId = pipelineOfNaps(client, 3, 0.1);

    JsonNode version = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(attemptsRunBy(0)).isEmpty();
    assertThat(attemptsRunBy(1)).hasSize(3);
    assertThatThrownBy(() -> nodes.get(1).client().call("listPipelines", params()))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("This server only runs steps (--roles worker)");
  }

  @Test
  void the_dependant_of_steps_that_end_at_once_on_two_nodes_starts_without_a_sweep()
      throws Exception {
    database = EmbeddedPostgresServer.newDatabase();
    dataDirs.addAll(List.of(node0, node1));
    nodes.add(startNode(0, "--sweep-interval", "10m"));
    nodes.add(startNode(1, "--sweep-interval", "10m"));
    AbacusClient client = nodes.get(0).client();
    String pipelineId = createPipeline(client, Steps.uniqueName("together"));
    String waits =
        """
        import os, pathlib, time

        def wait(shared, name):
            pathlib.Path(shared, os.readlink("/proc/self")).write_text(name)
            go = pathlib.Path(shared, "go")
            while not go.exists() or not go.read_text():
                time.sleep(0.01)
            # All end at one instant: each node may plan before it hears of the other's ends.
            time.sleep(max(0, float(go.read_text()) - time.time()))
            return 1
        """;
    // Four steps on four slots, two on each node, all ending at the same instant.
    List<String> ends = List.of("a", "b", "c", "d");
    for (String name : ends) {
      StepRequest.named(name)
          .source(waits)
          .function("wait")
          .input("shared", "STRING", shared.toString())
          .input("name", "STRING", name)
          .addTo(client, pipelineId);
    }
    StepRequest.named("after")
        .source("def after():\n    return 3\n")
        .function("after")
        .after(ends.toArray(String[]::new))
        .addTo(client, pipelineId);

    for (int round = 0; round < 3; round++) {
      Files.deleteIfExists(shared.resolve("go"));
      String versionId = Steps.run(client, pipelineId, List.of());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  stepPidsUnder(nodes.get(0).pid()).size() == 2
                      && stepPidsUnder(nodes.get(1).pid()).size() == 2);
      double endAt = System.currentTimeMillis() / 1000.0 + 0.3;
      Files.writeString(shared.resolve("go.tmp"), Double.toString(endAt));
      Files.move(shared.resolve("go.tmp"), shared.resolve("go"));
      long released = System.nanoTime() + 300_000_000L;
      JsonNode version = Steps.awaitFinished(client, versionId, Duration.ofSeconds(20));
      assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
      assertThat((System.nanoTime() - released) / 1_000_000)
          .as("round %d: from their end to the run's, in ms", round)
          .isLessThan(5000);
      clearPidFiles();
    }
  }

  @Test
  void a_node_killed_mid_step_loses_its_steps_to_the_others_within_ten_seconds() throws Exception {
    startCluster();
    // Three steps on six slots: the others have room to take the lost ones at once.
    String pipelineId = pipelineOfNaps(nodes.get(0).client(), 3, 4.0);
    String versionId = Steps.run(nodes.get(0).client(), pipelineId, List.of());
    int victim = awaitANodeRunningAStep(1);
    Set<String> lost = attemptsRunBy(victim);

    nodes.get(victim).kill();
    long killed = System.nanoTime();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rerunElsewhere(lost, victim));
    long movedMillis = (System.nanoTime() - killed) / 1_000_000;
    assertThat(movedMillis)
        .as("from the kill to every lost step running again, in ms")
        .isLessThan(10_000);
    AbacusClient survivor = nodes.get((victim + 1) % 3).client();
    JsonNode version = Steps.awaitFinished(survivor, versionId);
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertOneCompleteAttemptPerStep(version);
  }

  @Test
  void a_frozen_node_loses_its_steps_and_once_thawed_drops_their_results_and_stops_them()
      throws Exception {
    startCluster();
    AbacusClient client = nodes.get(0).client();
    String pipelineId = createPipeline(client, Steps.uniqueName("frozen"));
    for (int i = 0; i < 3; i++) {
      StepRequest.named("nap" + i)
          .source(FIRST_NAP_LONG)
          .function("nap")
          .input("shared", "STRING", shared.toString())
          .input("name", "STRING", "nap" + i)
          .addTo(client, pipelineId);
    }
    String versionId = Steps.run(client, pipelineId, List.of());
    int frozen = awaitANodeRunningAStep(1);
    Set<String> lost = attemptsRunBy(frozen);
    Set<Long> frozenSteps = stepPidsUnder(nodes.get(frozen).pid());
    assertThat(frozenSteps).isNotEmpty();

    signal("STOP", nodes.get(frozen).pid());
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> rerunElsewhere(lost, frozen));
    } finally {
      signal("CONT", nodes.get(frozen).pid());
    }

    // Its lease lapsed while it was frozen: it stops the steps it no longer owns.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                frozenSteps.stream()
                    .allMatch(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)));
    JsonNode version = Steps.awaitFinished(nodes.get(frozen).client(), versionId);
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertOneCompleteAttemptPerStep(version);
  }

  @Test
  void a_cancel_sent_to_one_node_stops_the_step_another_runs_within_a_second() throws Exception {
    startCluster();
    String pipelineId = pipelineOfNaps(nodes.get(0).client(), 1, 120.0);
    String versionId = Steps.run(nodes.get(0).client(), pipelineId, List.of());
    int running = awaitANodeRunningAStep(1);
    Set<Long> pids = stepPidsUnder(nodes.get(running).pid());
    assertThat(pids).hasSize(1);
    long pid = pids.iterator().next();

    long sent = System.nanoTime();
    nodes
        .get((running + 1) % 3)
        .client()
        .call("cancelPipelineVersion", params("pipelineVersion", versionId));

    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true));
    long stoppedMillis = (System.nanoTime() - sent) / 1_000_000;
    assertThat(stoppedMillis).as("from the cancel to the step's end, in ms").isLessThan(1000);
    assertThat(Steps.awaitFinished(nodes.get(0).client(), versionId).path("status").asText())
        .isEqualTo("CANCELLED");
  }

  @Test
  void a_rolling_restart_of_every_node_during_a_500_step_run_loses_nothing() throws Exception {
    startCluster();
    AbacusClient client = nodes.get(0).client();
    String pipelineId = createPipeline(client, Steps.uniqueName("rolling"));
    for (int i = 0; i < 500; i++) {
      StepRequest.named("s" + i)
          .source("import time\n\ndef s(i):\n    time.sleep(0.1)\n    return i\n")
          .function("s")
          .input("i", "INTEGER", i)
          .output("i", "INTEGER")
          .addTo(client, pipelineId);
    }
    String versionId = Steps.run(client, pipelineId, List.of());

    await().atMost(Duration.ofSeconds(30)).until(() -> !attemptsRunBy(0).isEmpty());
    for (int i = 0; i < 3; i++) {
      // SIGTERM drains: the node lets its steps end, then the same node starts again.
      assertThat(nodes.get(i).terminate(Duration.ofSeconds(60))).isEqualTo(143);
      nodes.set(i, startNode(i));
    }

    JsonNode version = Steps.awaitFinished(nodes.get(2).client(), versionId, Duration.ofMinutes(3));
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertOneCompleteAttemptPerStep(version);
    for (int i = 0; i < 500; i++) {
      assertThat(Steps.outputValue(version, "s" + i, "i").asInt()).isEqualTo(i);
    }
  }

  /** Waits until some node runs at least {@code steps} attempts; returns its index. */
  private int awaitANodeRunningAStep(int steps) {
    int[] found = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              for (int i = 0; i < 3; i++) {
                if (stepPidsUnder(nodes.get(i).pid()).size() >= steps) {
                  found[0] = i;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  /** Whether every step in {@code lost} has a later attempt on a node other than {@code node}. */
  private boolean rerunElsewhere(Set<String> lost, int node) throws IOException {
    Set<String> elsewhere = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      if (i != node) {
        elsewhere.addAll(stepsRunBy(i));
      }
    }
    return lost.stream().map(ClusterE2ETest::stepOf).allMatch(elsewhere::contains);
  }

  /** The attempts node {@code index} ran, as {@code step/attempt-N}. */
  private Set<String> attemptsRunBy(int index) throws IOException {
    Path runs = dataDirs.get(index).resolve("runs");
    var attempts = new HashSet<String>();
    if (!Files.isDirectory(runs)) {
      return attempts;
    }
    try (Stream<Path> files = Files.walk(runs, 3)) {
      files
          .filter(path -> path.getFileName().toString().startsWith("attempt-"))
          .forEach(path -> attempts.add(path.getParent().getFileName() + "/" + path.getFileName()));
    }
    return attempts;
  }

  private Set<String> stepsRunBy(int index) throws IOException {
    var steps = new HashSet<String>();
    attemptsRunBy(index).forEach(attempt -> steps.add(stepOf(attempt)));
    return steps;
  }

  private static String stepOf(String attempt) {
    return attempt.substring(0, attempt.indexOf('/'));
  }

  /** The steps that reported their pid and run under the server process {@code serverPid}. */
  private Set<Long> stepPidsUnder(long serverPid) throws IOException {
    Set<Long> under = new HashSet<>();
    ProcessHandle.of(serverPid)
        .ifPresent(server -> server.descendants().forEach(p -> under.add(p.pid())));
    Set<Long> steps = new HashSet<>();
    try (Stream<Path> files = Files.list(shared)) {
      files
          .map(path -> path.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(under::contains)
          .forEach(steps::add);
    }
    return steps;
  }

  private void clearPidFiles() throws IOException {
    try (Stream<Path> files = Files.list(shared)) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().chars().allMatch(Character::isDigit)) {
          Files.delete(file);
        }
      }
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
    assertThat(exit).as("kill -%s %d", signal, pid).isZero();
  }

  private static void assertOneCompleteAttemptPerStep(JsonNode version) {
    for (JsonNode step : version.path("stepVersions")) {
      long complete = 0;
      for (JsonNode attempt : step.path("attempts")) {
        if (attempt.path("status").asText().equals("COMPLETE")) {
          complete++;
        }
      }
      assertThat(complete).as("COMPLETE attempts of %s", step.path("stepName").asText()).isOne();
    }
  }
}
