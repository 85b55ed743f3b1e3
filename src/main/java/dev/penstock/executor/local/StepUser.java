package dev.penstock.executor.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A user steps run as: its name for messages, its ids to switch to. Immutable.
 *
 * @param name the user's name, or its uid when it has none
 */
public record StepUser(String name, int uid, int gid) {

  /** The user this server runs as, from /proc/self/status. */
  public static StepUser current() {
    try {
      List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
      int uid = idField(status, "Uid:");
      int gid = idField(status, "Gid:");
      return new StepUser(System.getProperty("user.name", Integer.toString(uid)), uid, gid);
    } catch (IOException | RuntimeException e) {
      throw new SandboxException("cannot read this server's user from /proc/self/status: " + e);
    }
  }

  /** Looks a user up by name or uid with id(1), so every name service counts. */
  public static StepUser resolve(String nameOrUid) {
    String uid = id("-u", nameOrUid);
    String gid = id("-g", nameOrUid);
    try {
      return new StepUser(nameOrUid, Integer.parseInt(uid), Integer.parseInt(gid));
    } catch (NumberFormatException e) {
      throw new SandboxException("id(1) said '" + uid + "' for the user " + nameOrUid);
    }
  }

  public boolean isRoot() {
    return uid == 0;
  }

  /** "nobody (uid 65534)". */
  public String describe() {
    return name + " (uid " + uid + ")";
  }

  private static int idField(List<String> status, String field) {
    return status.stream()
        .filter(line -> line.startsWith(field))
        .map(line -> Integer.parseInt(line.substring(field.length()).trim().split("\\s+")[1]))
        .findFirst()
        .orElseThrow();
  }

  private static String id(String option, String user) {
    try {
      Process process =
          new ProcessBuilder("id", option, "--", user).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new SandboxException("there is no user " + user + " to run steps as");
      }
      return output.trim();
    } catch (IOException e) {
      throw new SandboxException("cannot look up the user " + user + " with id(1): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while looking up the user " + user);
    }
  }
}
