package dev.penstock.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock API server's dispatcher with pods' logs beside its CRUD API, which has none: {@code GET
 * .../pods/<pod>/log} answers with what the {@link TestKubelet} recorded of the pod's output, with
 * timestamps when asked, from {@code sinceTime} (whole seconds, as Kubernetes counts them). A
 * followed log is answered with what there is and then ends, so a reader reads it again and again.
 * Thread-safe.
 */
final class PodLogServer extends KubernetesCrudDispatcher {
  private static final Pattern LOG_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?");

  /** Each pod's output so far, line by line with the time it was written. */
  static final class Logs {
    private final Map<String, List<String[]>> lines = new ConcurrentHashMap<>();

    /** The pod exists: its log is empty until it writes. */
    void started(String pod) {
      lines.putIfAbsent(pod, new CopyOnWriteArrayList<>());
    }

    void append(String pod, String line) {
      lines
          .computeIfAbsent(pod, name -> new CopyOnWriteArrayList<>())
          .add(new String[] {Instant.now().toString(), line});
    }

    List<String[]> of(String pod) {
      return lines.get(pod);
    }
  }

  private final Logs logs;

  PodLogServer(Logs logs) {
    this.logs = logs;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher matcher = LOG_PATH.matcher(request.getPath());
    if (!"GET".equals(request.getMethod()) || !matcher.matches()) {
      return super.dispatch(request);
    }
    List<String[]> lines = logs.of(matcher.group(2));
    if (lines == null) {
      return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"code\":404}");
    }
    var query = query(matcher.group(3));
    boolean timestamps = "true".equals(query.get("timestamps"));
    Instant since =
        query.containsKey("sinceTime") ? Instant.parse(query.get("sinceTime")) : Instant.MIN;
    var body = new StringBuilder();
    for (String[] line : lines) {
      Instant stamp = Instant.parse(line[0]);
      if (!stamp.truncatedTo(ChronoUnit.SECONDS).isBefore(since)) {
        body.append(timestamps ? line[0] + " " : "").append(line[1]).append('\n');
      }
    }
    return new MockResponse()
        .setResponseCode(200)
        .addHeader("Content-Type", "text/plain")
        .setBody(body.toString());
  }

  private static Map<String, String> query(String text) {
    var values = new HashMap<String, String>();
    if (text == null || text.length() < 2) {
      return values;
    }
    for (String pair : text.substring(1).split("&")) {
      String[] parts = pair.split("=", 2);
      values.put(
          parts[0], parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
    }
    return values;
  }
}
