package dev.penstock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The web UI over plain HTTP, as a browser signed in with an API key speaks it: a session cookie
 * kept between requests, form posts carrying the page's CSRF token, and Server-Sent Events read a
 * line at a time. Not thread-safe.
 */
public final class WebClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]*)\"");
  private static final Pattern LOGIN_TOKEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");

  private final String base;
  private final HttpClient http;
  private String csrfToken = "";

  private WebClient(String base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A client that has not signed in. */
  public static WebClient anonymous(String base) {
    return new WebClient(base);
  }

  /** A client signed in to the server at {@code base} with {@code apiKey}. */
  public static WebClient signIn(String base, String apiKey) {
    var client = new WebClient(base);
    var form = client.get("/login");
    var token = LOGIN_TOKEN.matcher(form.body());
    if (!token.find()) {
      throw new AssertionError("no sign-in form at /login: " + form.body());
    }
    var signedIn = client.post("/login", Map.of("_csrf", token.group(1), "apiKey", apiKey));
    if (signedIn.statusCode() != 303 && signedIn.statusCode() != 302) {
      throw new AssertionError(
          "sign-in answered " + signedIn.statusCode() + ": " + signedIn.body());
    }
    client.get("/"); // for the session's CSRF token
    return client;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
  }

  /** A form post with this session's CSRF token added, unless {@code form} has one. */
  public HttpResponse<String> post(String path, Map<String, String> form) {
    var fields = new java.util.LinkedHashMap<String, String>();
    fields.put("_csrf", csrfToken);
    fields.putAll(form);
    String body =
        fields.entrySet().stream()
            .map(
                field ->
                    URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", base)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** One Server-Sent Event: its name, data and id (null when it had none). */
  public record Event(String name, String data, String id) {}

  /**
   * Reads the event stream at {@code path} (sending {@code lastEventId} as Last-Event-ID unless
   * null) until it ends, or until an event satisfies {@code until}, then hangs up. Fails after
   * {@code timeout}.
   */
  public List<Event> events(
      String path, String lastEventId, Predicate<Event> until, Duration timeout) {
    var request =
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    var events = new ArrayList<Event>();
    // Not an executor in try-with-resources: its close would wait for a stream that never ends.
    var reading =
        new java.util.concurrent.FutureTask<Void>(
            () -> {
              var response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
              if (response.statusCode() != 200) {
                throw new AssertionError("the stream answered " + response.statusCode());
              }
              try (var lines = response.body()) {
                String name = "message";
                String id = null;
                var data = new StringBuilder();
                for (var line : (Iterable<String>) lines::iterator) {
                  if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                      var event = new Event(name, data.toString(), id);
                      synchronized (events) {
                        events.add(event);
                      }
                      if (name.equals("end") || until.test(event)) {
                        return null;
                      }
                    }
                    name = "message";
                    id = null;
                    data.setLength(0);
                  } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                  } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                  } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                  }
                }
              }
              return null;
            });
    Thread.ofVirtual().start(reading);
    try {
      reading.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      reading.cancel(true);
      throw new AssertionError("the stream did not end within " + timeout + "; got " + events);
    } catch (ExecutionException e) {
      throw new AssertionError("reading the stream failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      var response = http.send(request, HttpResponse.BodyHandlers.ofString());
      var token = CSRF.matcher(response.body());
      if (token.find() && !token.group(1).isEmpty()) {
        csrfToken = token.group(1);
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
