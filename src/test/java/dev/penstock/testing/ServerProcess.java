package dev.penstock.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server in a JVM of its own, started as `penstock server` would be, so a test can kill it with
 * SIGKILL and start another on the same data directory.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("Penstock is serving at (\\S+)");
  private final Process process;
  private final String url;
  private final List<String> output = new ArrayList<>();
  private final List<String> everyLine;

  private ServerProcess(Process process, String url, List<String> everyLine) {
    this.process = process;
    this.url = url;
    this.everyLine = everyLine;
  }

  public static ServerProcess start(Path dataDir, String... extraArgs) {
    return startWithJvm(dataDir, List.of(), extraArgs);
  }

  /**
   * As {@link #start}, in a JVM given {@code jvmOptions} (the heap cap `penstock server` sets,
   * say).
   */
  public static ServerProcess startWithJvm(
      Path dataDir, List<String> jvmOptions, String... extraArgs) {
    return start(dataDir, jvmOptions, Map.of(), extraArgs);
  }

  /** As {@link #start}, with {@code environment} added to the test's (credentials, say). */
  public static ServerProcess startWithEnvironment(
      Path dataDir, Map<String, String> environment, String... extraArgs) {
    return start(dataDir, List.of(), environment, extraArgs);
  }

  private static ServerProcess start(
      Path dataDir, List<String> jvmOptions, Map<String, String> environment, String... extraArgs) {
    var args =
        new ArrayList<>(
            List.of(
                "--data-dir",
                dataDir.toString(),
                "--admin-api-key",
                TestServer.ADMIN_KEY,
                "--parallel-limit",
                "2",
                "--step-shared-dirs",
                SharedFolders.root().toString()));
    args.addAll(List.of(extraArgs));
    return startIn(Path.of("").toAbsolutePath(), jvmOptions, args, environment);
  }

  /**
   * `penstock server` with only {@code args}, the port and Python given, run in {@code
   * workingDirectory}, so defaults such as the relative data directory apply as for a user.
   */
  public static ServerProcess startIn(Path workingDirectory, List<String> args) {
    return startIn(workingDirectory, args, Map.of());
  }

  /** As {@link #startIn(Path, List)}, with {@code environment} added to the test's. */
  public static ServerProcess startIn(
      Path workingDirectory, List<String> args, Map<String, String> environment) {
    return startIn(workingDirectory, List.of(), args, environment);
  }

  private static ServerProcess startIn(
      Path workingDirectory,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> environment) {
    try {
      Process process = launch(workingDirectory, jvmOptions, args, environment);
      var reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      var found = new CompletableFuture<String>();
      var lines = new ArrayList<String>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    synchronized (lines) {
                      lines.add(line);
                    }
                    Matcher matcher = SERVING.matcher(line);
                    if (matcher.find()) {
                      found.complete(matcher.group(1));
                    }
                  }
                  found.completeExceptionally(new IllegalStateException("server exited: " + lines));
                } catch (IOException e) {
                  found.completeExceptionally(e);
                }
              });
      String url = found.get(60, TimeUnit.SECONDS);
      var server = new ServerProcess(process, url, lines);
      synchronized (lines) {
        server.output.addAll(lines);
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("the server process did not start", e);
    }
  }

  /** What a server that stops by itself printed (stdout and stderr), and its exit code. */
  public record Exit(int code, List<String> output) {}

  /**
   * `penstock server` with exactly {@code args}, run in {@code workingDirectory} until it exits on
   * its own, as a start-up that fails does; it is killed if still running after {@code timeout}.
   */
  public static Exit runToExit(Path workingDirectory, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    var command = new ArrayList<>(java(List.of()));
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    var output = CompletableFuture.supplyAsync(() -> readLines(process));
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
      throw new AssertionError(
          "the server was still running after " + timeout + ": " + output.join());
    }
    return new Exit(process.exitValue(), output.join());
  }

  /**
   * `penstock server` with the test's Python and a free port, then {@code args}, expected to stop
   * by itself within a minute as a start-up that fails does.
   */
  public static Exit failToStart(Path workingDirectory, List<String> args) {
    var all = new ArrayList<>(List.of("--port", "0", "--python", TestPython.path()));
    all.addAll(args);
    try {
      return runToExit(workingDirectory, all, Duration.ofMinutes(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Process launch(
      Path workingDirectory,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> environment)
      throws IOException {
    var command = new ArrayList<>(java(jvmOptions));
    if (!args.contains("--port")) {
      command.addAll(List.of("--port", "0")); // a free one, unless the test chose its own
    }
    command.addAll(List.of("--python", TestPython.path()));
    command.addAll(args);
    var builder =
        new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static List<String> readLines(Process process) {
    try (var reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      return reader.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM as ./penstock runs it: native access allowed, so the JVM warns of nothing. */
  private static List<String> java(List<String> jvmOptions) {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.penstock.Main",
            "server"));
    return command;
  }

  public String url() {
    return url;
  }

  public AbacusClient client() {
    return new AbacusClient(url, TestServer.ADMIN_KEY);
  }

  /** What the server printed before it said where it serves. */
  public List<String> startupOutput() {
    return List.copyOf(output);
  }

  /** Everything the server has printed so far. */
  public List<String> output() {
    synchronized (everyLine) {
      return List.copyOf(everyLine);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed that was not already durable. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then wait for a clean exit. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
