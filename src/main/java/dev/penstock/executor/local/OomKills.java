package dev.penstock.executor.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's count of processes its out-of-memory killer has ended, from /proc/vmstat (Linux 4.13
 * and later). A step that dies of a SIGKILL Penstock did not send while this count rose was most
 * likely the OOM killer's victim. Thread-safe: stateless.
 */
final class OomKills {
  private static final Path VMSTAT = Path.of("/proc/vmstat");

  private OomKills() {}

  /** The count so far, or -1 where the kernel does not tell. */
  static long count() {
    try (var lines = Files.lines(VMSTAT)) {
      return lines
          .filter(line -> line.startsWith("oom_kill "))
          .mapToLong(line -> Long.parseLong(line.substring("oom_kill ".length()).trim()))
          .findFirst()
          .orElse(-1);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
