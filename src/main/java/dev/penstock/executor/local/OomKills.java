package dev.penstock.executor.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's count of processes its out-of-memory killer has ended, from /proc/vmstat (Linux 4.13
 * and later). A step that dies of a SIGKILL Penstock did not send while this count rose was most
 * likely the OOM killer's victim. Thread-safe: stateless.
 */
final class OomKills {
  private static final Path VMSTAT = Path.of("/proc/vmstat");
  private static final String KEY = "oom_kill ";

  private OomKills() {}

  /** The count so far, or -1 where the kernel does not tell. Read at every step's start. */
  static long count() {
    try {
      String vmstat = Files.readString(VMSTAT, StandardCharsets.US_ASCII);
      int at = vmstat.indexOf(KEY);
      if (at < 0 || (at > 0 && vmstat.charAt(at - 1) != '\n')) {
        return -1;
      }
      int from = at + KEY.length();
      int to = vmstat.indexOf('\n', from);
      return Long.parseLong(vmstat.substring(from, to < 0 ? vmstat.length() : to).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
