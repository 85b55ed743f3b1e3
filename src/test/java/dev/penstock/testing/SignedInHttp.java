package dev.penstock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A web UI session over plain HTTP, for tests that check what a browser could not be made to send
 * (a post without its CSRF token, say): signs in through the sign-in form as a browser would, then
 * keeps the session cookie. Redirects are not followed, so a test sees them. Not thread-safe.
 */
public final class SignedInHttp {
  private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern META_CSRF =
      Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]*)\">");

  private final String server;
  private final HttpClient http;

  private SignedInHttp(String server) {
    this.server = server;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** Signs in at {@code server} with {@code apiKey}; fails the test if it does not work. */
  public static SignedInHttp signIn(String server, String apiKey) {
    var session = new SignedInHttp(server);
    var form = session.get("/login");
    var token = HIDDEN_CSRF.matcher(form.body());
    assertThat(token.find()).as("the sign-in form's token in %s", form.body()).isTrue();
    var signedIn = session.post("/login", "_csrf", token.group(1), "apiKey", apiKey, "next", "/");
    assertThat(signedIn.statusCode()).as("signing in: %s", signedIn.body()).isEqualTo(303);
    return session;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(server + path)).GET());
  }

  /**
   * Opens a live stream (Server-Sent Events) as a browser's EventSource does; read it as it comes.
   */
  public HttpResponse<InputStream> stream(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(server + path))
              .header("Accept", "text/event-stream")
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The CSRF token a page of this session carries. */
  public String csrfToken(String pagePath) {
    var page = get(pagePath);
    var token = META_CSRF.matcher(page.body());
    assertThat(token.find()).as("a csrf-token meta tag on %s", pagePath).isTrue();
    return token.group(1);
  }

  /** POSTs a form of fields (name, value, name, value, ...) from a page of this server. */
  public HttpResponse<String> post(String path, String... fields) {
    var body = new StringBuilder();
    for (int i = 0; i < fields.length; i += 2) {
      body.append(body.isEmpty() ? "" : "&")
          .append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
    }
    return send(
        HttpRequest.newBuilder(URI.create(server + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", server)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request
              .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8") // as a browser does
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("request to " + server + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
