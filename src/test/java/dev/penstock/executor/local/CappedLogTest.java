package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A step's log is kept within its cap: the tail survives, with a marker saying what was dropped.
 */
class CappedLogTest {
  private static final int CAP = 4096;
  private static final Pattern MARKER =
      Pattern.compile(
          "\\[penstock: (\\d+) earlier bytes of log were dropped; showing the last (\\d+)]\n");

  @TempDir Path root;

  @ParameterizedTest
  @EnumSource(ExecutorMode.class)
  void a_log_past_the_cap_keeps_its_tail_after_a_marker_counting_what_was_dropped(ExecutorMode mode)
      throws Exception {
    StepLaunch launch =
        launch(
            root,
            "def step():\n    for i in range(2000):\n        print(f'line {i:04d} of the log')\n");
    StepOutcome outcome;
    String log;
    try (var executor = new LocalProcessExecutor(mode.settings(root).withLogCap(CAP))) {
      outcome = executor.launch(launch).outcome().get(60, TimeUnit.SECONDS);
      log = executor.readLog(launch.logFile());
    }

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    Matcher marker = MARKER.matcher(log);
    assertThat(marker.lookingAt()).as(log.substring(0, Math.min(200, log.length()))).isTrue();
    long dropped = Long.parseLong(marker.group(1));
    long shown = Long.parseLong(marker.group(2));
    String tail = log.substring(marker.end());
    long written = 2000L * "line 0000 of the log\n".length();
    assertThat(shown)
        .isEqualTo(tail.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(CAP);
    assertThat(dropped + shown).isEqualTo(written);
    assertThat(tail).matches("(?s)line \\d{4} of the log\n.*").endsWith("line 1999 of the log\n");
    assertThat(diskUse(launch.logFile())).isLessThanOrEqualTo(CAP + 64);
  }

  @Test
  void a_log_within_the_cap_reads_back_whole_without_a_marker() throws Exception {
    Path file = root.resolve("log.txt");
    try (var log = CappedLog.open(file, CAP)) {
      log.writeLine("first");
      log.writeLine("second");
    }

    assertThat(CappedLog.read(file, CAP)).isEqualTo("first\nsecond\n");
  }

  @Test
  void rotation_splits_at_a_line_break_and_a_later_reader_still_sees_the_marker() throws Exception {
    Path file = root.resolve("log.txt");
    try (var log = CappedLog.open(file, 40)) {
      for (int i = 0; i < 10; i++) {
        log.writeLine("line " + i + " ....."); // 13 bytes a line, 20 bytes a file
      }
    }

    assertThat(Files.readString(file.resolveSibling("log.txt.1"))).startsWith("line ");
    assertThat(CappedLog.read(file, 40))
        .isEqualTo(
            "[penstock: 104 earlier bytes of log were dropped; showing the last 26]\n"
                + "line 8 .....\nline 9 .....\n");
  }

  @Test
  void a_line_longer_than_half_the_cap_is_split_across_files() throws Exception {
    Path file = root.resolve("log.txt");
    try (var log = CappedLog.open(file, 40)) {
      log.writeLine("x".repeat(99));
    }

    assertThat(CappedLog.read(file, 40))
        .isEqualTo(
            "[penstock: 60 earlier bytes of log were dropped; showing the last 40]\n"
                + "x".repeat(39)
                + "\n");
  }

  @Test
  void a_kept_part_that_starts_mid_line_is_shown_from_its_next_line() throws Exception {
    Path file = root.resolve("log.txt");
    try (var log = CappedLog.open(file, 40)) {
      log.writeLine("a".repeat(25)); // longer than the 20 bytes a file holds: split mid-line
      log.writeLine("b".repeat(17));
    }

    assertThat(CappedLog.read(file, 40))
        .isEqualTo(
            "[penstock: 26 earlier bytes of log were dropped; showing the last 18]\n"
                + "b".repeat(17)
                + "\n");
  }

  private static long diskUse(Path logFile) throws Exception {
    try (Stream<Path> files = Files.list(logFile.getParent())) {
      return files
          .filter(
              path ->
                  path.getFileName().toString().startsWith("log.txt")
                      && !path.toString().endsWith(".dropped"))
          .mapToLong(path -> path.toFile().length())
          .sum();
    }
  }
}
