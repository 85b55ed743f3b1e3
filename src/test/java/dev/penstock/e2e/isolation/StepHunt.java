package dev.penstock.e2e.isolation;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.Processes;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step that goes looking for what it was not given, as the attacker of issue 9 did: the server's
 * keys, its database, the runner scripts, another run's directory, the processes of the fork server
 * and the server. It reports, per target, "REACHED ..." or "denied <error>". Nothing it tries
 * changes what the server relies on: writes open without truncating, and the file it deletes is a
 * decoy the test planted.
 */
final class StepHunt {
  static final String SOURCE =
      """
      import os, signal

      def attempt(action):
          try:
              return "REACHED " + repr(action())[:60]
          except Exception as error:
              return "denied " + type(error).__name__

      def plant():
          with open("secret.txt", "w") as secret:
              secret.write("another run's secret")
          return os.getcwd()

      def hunt(data, other_run, pids):
          server = data + "/server"
          found = {
              "admin key": attempt(lambda: open(server + "/admin-api-key").read()),
              "run-key secret": attempt(lambda: open(server + "/run-key-secret").read()),
              "database": attempt(lambda: open(server + "/penstock.db", "rb").read(16)),
              "database for writing": attempt(lambda: open(server + "/penstock.db", "r+b").close()),
              "server directory": attempt(lambda: os.listdir(server)),
              "new file in the server directory": attempt(lambda: open(server + "/planted", "x").close()),
              "decoy beside the database deleted": attempt(lambda: os.unlink(server + "/decoy")),
              "data directory": attempt(lambda: os.listdir(data)),
              "runs": attempt(lambda: os.listdir(data + "/runs")),
              "runner": attempt(lambda: open(data + "/runner/penstock_runner.py").read(16)),
              "runner for writing": attempt(lambda: open(data + "/runner/penstock_runner.py", "r+b").close()),
              "new runner script": attempt(lambda: open(data + "/runner/sitecustomize.py", "x").close()),
              "other run": attempt(lambda: os.listdir(other_run)),
              "other run's file": attempt(lambda: open(other_run + "/secret.txt").read()),
              "new file in the other run": attempt(lambda: open(other_run + "/planted", "x").close()),
          }
          here = os.getcwd()
          while here != data and here != "/":
              here = os.path.dirname(here)
              found["walking up: " + here] = attempt(lambda d=here: os.listdir(d))
          for pid in pids:
              found[f"signal {pid}"] = attempt(lambda: os.kill(pid, 0))
              found[f"pidfd signal {pid}"] = attempt(
                  lambda: signal.pidfd_send_signal(os.open(f"/proc/{pid}", os.O_RDONLY), 0))
              found[f"environment of {pid}"] = attempt(lambda: open(f"/proc/{pid}/environ").read())
              found[f"descriptors of {pid}"] = attempt(lambda: os.listdir(f"/proc/{pid}/fd"))
          return found
      """;

  private StepHunt() {}

  /** Runs the hunt in {@code server}; returns what it found, target by target. */
  static Map<String, String> run(TestServer server) throws IOException {
    AbacusClient client = server.client();
    Path data = server.dataDir().toRealPath();
    Files.writeString(data.resolve("server/decoy"), "a decoy");
    // Another run, not an earlier step of the hunt's: at isolation run, steps of one run share
    // the folder of its working directories.
    String plantId = createPipeline(client, Steps.uniqueName("plant"));
    StepRequest.named("plant")
        .source(SOURCE)
        .function("plant")
        .output("other_run", "STRING")
        .addTo(client, plantId);
    JsonNode planted = server.awaitFinished(Steps.run(client, plantId, List.of()));
    // Where the plant ran, and where the server keeps that directory once the step has ended:
    // beside the plant's log, in its run's folder.
    Path ranIn = Path.of(outputValue(planted, "plant", "other_run").asText());
    String otherRun =
        ranIn
            .getParent()
            .resolveSibling(
                Steps.stepVersion(planted, "plant").path("pipelineStepVersion").asText())
            .resolve("attempt-1")
            .resolve("work")
            .toString();
    String pipelineId = createPipeline(client, Steps.uniqueName("hunt"));
    StepRequest.named("hunt")
        .source(SOURCE)
        .function("hunt")
        .input("data", "STRING", data.toString())
        .input("other_run", "STRING", otherRun)
        .input("pids", "JSON", serverPids(data))
        .output("found", "JSON")
        .addTo(client, pipelineId);
    JsonNode version = server.awaitFinished(Steps.run(client, pipelineId, List.of()));
    assertThat(version.path("status").asText()).as(version.toString()).isEqualTo("COMPLETE");
    var found = new LinkedHashMap<String, String>();
    outputValue(version, "hunt", "found")
        .fields()
        .forEachRemaining(entry -> found.put(entry.getKey(), entry.getValue().asText()));
    return found;
  }

  /**
   * This JVM, the server, and the fork servers it started for this data directory: not their
   * children (spares, workers), which run as the steps do, one of them the hunting step itself.
   */
  static List<Long> serverPids(Path data) throws IOException {
    long server = ProcessHandle.current().pid();
    var pids = new ArrayList<Long>(List.of(server));
    for (long forkServer : forkServers(data)) {
      boolean started =
          ProcessHandle.of(forkServer)
              .flatMap(ProcessHandle::parent)
              .filter(parent -> parent.pid() == server)
              .isPresent();
      if (started) {
        pids.add(forkServer);
      }
    }
    return pids;
  }

  static List<Long> forkServers(Path data) {
    return Processes.forkServersOf(data);
  }
}
