package dev.penstock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The machine's processes, as /proc lists them, for tests of what runs and what is gone. */
public final class Processes {
  private Processes() {}

  /** Whether a process runs exactly the command line {@code argv}. */
  public static boolean running(String... argv) {
    String wanted = String.join("\0", argv) + "\0";
    return !matching(command -> command.equals(wanted)).isEmpty();
  }

  /** The fork servers a server on {@code dataDir} started (their --sandbox settings name it). */
  public static List<Long> forkServersOf(Path dataDir) {
    return matching(
        command ->
            command.contains("penstock_fork_server.py") && command.contains(dataDir.toString()));
  }

  private static List<Long> matching(Predicate<String> commandLine) {
    var pids = new ArrayList<Long>();
    try (var processes = Files.list(Path.of("/proc"))) {
      for (Path process : processes.toList()) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (commandLine.test(Files.readString(process.resolve("cmdline")))) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // it ended while listed
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }
}
