package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OomKillsTest {
  @Test
  void the_count_is_the_kernels_oom_kill_line_of_proc_vmstat() throws Exception {
    long before = OomKills.count();
    long listed =
        Files.readAllLines(Path.of("/proc/vmstat")).stream()
            .filter(line -> line.startsWith("oom_kill "))
            .mapToLong(line -> Long.parseLong(line.split(" ")[1]))
            .findFirst()
            .orElse(-1);
    long after = OomKills.count();

    // Another process's OOM kill between the reads would raise it: the count only grows.
    assertThat(listed).isBetween(before, after);
    assertThat(before).isGreaterThanOrEqualTo(0); // every kernel on these machines tells
  }
}
