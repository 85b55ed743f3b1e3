package dev.penstock.web;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PenstockException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands before every page: a session (else the sign-in page), for a post the session's CSRF
 * token and a same-origin request, and errors shown as pages rather than stack traces. Thread-safe.
 */
public final class Guard {
  static final String SESSION_COOKIE = "penstock_session";

  /**
   * Set once a page has answered: the server's 404 handler, which runs after any handler that
   * answered 404, then leaves the answer alone (the API's envelope marks its answers the same way).
   */
  static final String ANSWERED = "penstock.answered";

  private static final String SESSION = "penstock.session";
  private static final Logger log = LoggerFactory.getLogger(Guard.class);

  private final Sessions sessions;
  private final Templates templates;

  Guard(Sessions sessions, Templates templates) {
    this.sessions = sessions;
    this.templates = templates;
  }

  /** Runs {@code handler} for a signed-in session, with a post's CSRF token checked first. */
  void signedIn(Context ctx, HandlerType verb, Handler handler) throws Exception {
    var session = sessions.find(ctx.cookie(SESSION_COOKIE));
    if (session.isEmpty()) {
      toSignIn(ctx);
      return;
    }
    ctx.attribute(SESSION, session.get());
    ctx.header("Cache-Control", "no-store");
    if (verb == HandlerType.POST && !(sameOrigin(ctx) && tokenMatches(ctx, session.get()))) {
      error(
          ctx,
          403,
          "This form has expired or came from another site. Reload the page and try again.");
      return;
    }
    try {
      handler.handle(ctx);
    } catch (NotFoundException e) {
      error(ctx, 404, e.getMessage());
    } catch (InvalidParameterException | MissingParameterException e) {
      error(ctx, 400, e.getMessage());
    } catch (PenstockException e) {
      error(ctx, 409, e.getMessage());
    }
  }

  public static Session session(Context ctx) {
    return ctx.attribute(SESSION);
  }

  /** A post from a page of this server: its Origin (or Referer) names this host, if it is sent. */
  static boolean sameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || origin.equals("null")) {
      origin = ctx.header("Referer");
    }
    if ("cross-site".equals(ctx.header("Sec-Fetch-Site"))) {
      return false;
    }
    if (origin == null) {
      return true; // old clients send neither; the CSRF token still guards them
    }
    try {
      String host = URI.create(origin).getRawAuthority();
      return host != null && host.equalsIgnoreCase(ctx.host());
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }

  private static boolean tokenMatches(Context ctx, Session session) {
    String sent = ctx.header("X-CSRF-Token");
    if (sent == null) {
      sent = ctx.formParam("_csrf");
    }
    return sent != null
        && MessageDigest.isEqual(
            sent.getBytes(StandardCharsets.UTF_8),
            session.csrfToken().getBytes(StandardCharsets.UTF_8));
  }

  private static void toSignIn(Context ctx) {
    String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    String target = "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    if (ctx.header("HX-Request") != null) {
      // htmx would swap the sign-in page into a fragment; it follows this header instead.
      ctx.status(401).header("HX-Redirect", target);
    } else if (ctx.method() == HandlerType.GET) {
      ctx.redirect(target);
    } else {
      ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }
  }

  /** An error page (or, for htmx, the message alone) with {@code status}. */
  public void error(Context ctx, int status, String message) {
    if (status >= 500) {
      log.error("{} {}: {}", ctx.method(), ctx.path(), message);
    }
    ctx.attribute(ANSWERED, true);
    if (ctx.header("HX-Request") != null) {
      ctx.status(status).contentType("text/plain; charset=utf-8").result(message);
      return;
    }
    Session session = ctx.attribute(SESSION);
    templates.render(
        ctx,
        status,
        "error.jte",
        Map.of(
            "page",
            new Page("Error " + status, session, ""),
            "status",
            status,
            "message",
            message));
  }

  void notFound(Context ctx, String message) {
    if (ctx.attribute(ANSWERED) != null) {
      return; // a page said what was not found ("no such pipeline"); keep its words
    }
    ctx.attribute(SESSION, sessions.find(ctx.cookie(SESSION_COOKIE)).orElse(null));
    error(ctx, 404, message);
  }
}
