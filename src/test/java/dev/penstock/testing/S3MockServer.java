package dev.penstock.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for the tests: Adobe's S3Mock (com.adobe.testing:s3mock, its
 * executable jar from Maven Central), run as a process of its own with one bucket, on a free port
 * of the loopback interface, its objects in a temporary folder. No S3 credentials are checked by
 * it; the server under test signs its requests as it would for AWS.
 */
public final class S3MockServer implements AutoCloseable {
  public static final String BUCKET = "penstock";
  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  private final Process process;
  private final Path root;
  private final int port;
  private final List<String> output = new ArrayList<>();

  private S3MockServer(Process process, Path root, int port) {
    this.process = process;
    this.root = root;
    this.port = port;
  }

  public static S3MockServer start() {
    try {
      Path root = Files.createTempDirectory("penstock-s3mock-");
      int httpPort = freePort();
      int httpsPort = freePort();
      var command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx256m",
              "-jar",
              jar(),
              "--server.port=" + httpsPort,
              "--com.adobe.testing.s3mock.http-port=" + httpPort,
              "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
              "--com.adobe.testing.s3mock.store.root=" + root,
              "--server.address=127.0.0.1");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      var server = new S3MockServer(process, root, httpPort);
      Thread.ofVirtual().start(server::readOutput);
      server.awaitUp();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint to give the server under test (--s3-endpoint). */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** A client of the test's own, to look at what the server under test stored. */
  public S3Client client() {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(URI.create(endpoint()))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  /** The keys of the bucket's objects under {@code prefix}. */
  public List<String> keys(String prefix) {
    try (S3Client s3 = client()) {
      return s3
          .listObjectsV2Paginator(list -> list.bucket(BUCKET).prefix(prefix))
          .contents()
          .stream()
          .map(object -> object.key())
          .sorted()
          .toList();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a temporary folder: what is left goes with the machine's
    }
  }

  /** The executable jar Maven put on the test classpath. */
  private static String jar() {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("s3mock") && entry.endsWith("-exec.jar")) {
        return entry;
      }
    }
    throw new IllegalStateException("S3Mock's exec jar is not on the test classpath (see pom.xml)");
  }

  private void awaitUp() {
    var http = HttpClient.newHttpClient();
    var request = HttpRequest.newBuilder(URI.create(endpoint() + "/")).GET().build();
    Instant deadline = Instant.now().plus(START_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited: " + output());
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "S3Mock did not answer within " + START_LIMIT + ": " + output());
  }

  private void readOutput() {
    try (var reader = process.inputReader()) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private String output() {
    synchronized (output) {
      return String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size()));
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
