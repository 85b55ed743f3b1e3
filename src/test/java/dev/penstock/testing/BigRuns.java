package dev.penstock.testing;

import dev.penstock.model.CpuSize;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.RunTrigger;
import dev.penstock.model.StepRetry;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a run of a wide fan-out (root → {@code width} squares → sink) straight into a server's
 * SQLite database, as a run half way through: the root and the first squares complete, some
 * running, a few failed, the rest pending. Defining 10,000 steps through the API takes most of an
 * hour; a page of the run only needs its rows. The run is RUNNING but no server will run its steps:
 * the server that owns the database must not sweep (its sweep interval long), and its scheduler
 * only plans runs it was told of.
 */
public final class BigRuns {
  private BigRuns() {}

  /** What was written: the run's id and how many steps are in each status. */
  public record BigRun(String versionId, Map<StepStatus, Integer> counts) {}

  /**
   * Writes the run of pipeline {@code pipelineId} (which must exist) into the server database under
   * {@code dataDir}, with {@code width + 2} steps.
   */
  public static BigRun fanOut(Path dataDir, String pipelineId, String pipelineName, int width) {
    String url = "jdbc:sqlite:" + dataDir.resolve("server/penstock.db");
    Instant start = Instant.now().minusSeconds(600);
    String versionId = "big-" + UUID.randomUUID().toString().substring(0, 8);
    var steps = new ArrayList<StepVersion>(width + 2);
    steps.add(step(versionId, pipelineId, "root", 0, List.of(), start));
    var squares = new ArrayList<String>(width);
    for (int i = 0; i < width; i++) {
      String name = "square_" + i;
      squares.add(name);
      steps.add(step(versionId, pipelineId, name, i + 1, List.of("root"), start));
    }
    steps.add(step(versionId, pipelineId, "sink", width + 1, squares, start));
    var version =
        new PipelineVersion(
            versionId,
            pipelineId,
            pipelineName,
            RunStatus.RUNNING,
            null,
            RunTrigger.MANUAL,
            List.of(),
            start,
            start,
            start,
            null,
            steps,
            null);
    try (var stores = JdbcStores.open(url, null, null)) {
      stores.runs().createVersion(version);
    }
    int complete = width * 3 / 5 + 1; // the root and the first squares
    int running = 2;
    int failed = Math.min(3, Math.max(0, width - complete - running));
    long t0 = start.toEpochMilli();
    try (var connection = DriverManager.getConnection(url);
        var update = connection.prepareStatement(SET_STATUS)) {
      set(update, "COMPLETE", t0, versionId, 0, complete);
      set(update, "RUNNING", t0, versionId, complete, complete + running);
      set(update, "FAILED", t0, versionId, complete + running, complete + running + failed);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    int pending = width + 2 - complete - running - failed;
    return new BigRun(
        versionId,
        Map.of(
            StepStatus.COMPLETE,
            complete,
            StepStatus.RUNNING,
            running,
            StepStatus.FAILED,
            failed,
            StepStatus.PENDING,
            pending));
  }

  /**
   * Each step started 20 ms after the one before it and ran (or has run) 1.5 s. Parameters: status,
   * start of the run (epoch millis), run id, positions from (inclusive) and to (exclusive).
   */
  private static final String SET_STATUS =
      """
      UPDATE step_version
         SET status = ?1, attempt = 1, claimed_by = 'elsewhere',
             started_at = ?2 + position * 20,
             completed_at = CASE WHEN ?1 = 'RUNNING' THEN NULL ELSE ?2 + position * 20 + 1500 END,
             updated_at = ?2 + position * 20 + 1500
       WHERE pipeline_version = ?3 AND position >= ?4 AND position < ?5
      """;

  private static void set(
      PreparedStatement update, String status, long t0, String versionId, int from, int to)
      throws SQLException {
    update.setString(1, status);
    update.setLong(2, t0);
    update.setString(3, versionId);
    update.setInt(4, from);
    update.setInt(5, to);
    update.executeUpdate();
  }

  private static StepVersion step(
      String versionId,
      String pipelineId,
      String name,
      int position,
      List<String> dependencies,
      Instant at) {
    return new StepVersion(
        versionId + "-" + position,
        versionId,
        pipelineId,
        null,
        name,
        position,
        null,
        "square",
        "def square(i):\n    return i * i\n",
        List.of(),
        List.of(),
        dependencies,
        List.of(),
        Map.of(),
        CpuSize.SMALL,
        1,
        60,
        StepRetry.NONE,
        StepStatus.PENDING,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        null,
        at,
        at,
        null,
        null);
  }
}
