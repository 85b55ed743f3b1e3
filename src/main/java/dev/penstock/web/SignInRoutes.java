package dev.penstock.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.util.HashMap;

/**
 * Signing in with an API key and out again. The key travels once, in the sign-in form's body; the
 * browser keeps only an HTTP-only session cookie. The sign-in form carries a token of its own
 * (double-submitted in a cookie), so another site cannot sign a browser in under its key.
 * Thread-safe.
 */
final class SignInRoutes {
  private static final String LOGIN_COOKIE = "penstock_login";

  private final Sessions sessions;
  private final Templates templates;

  SignInRoutes(Sessions sessions, Templates templates) {
    this.sessions = sessions;
    this.templates = templates;
  }

  void register(JavalinConfig config) {
    config.routes.get("/login", this::form);
    config.routes.post("/login", this::signIn);
    config.routes.post("/logout", ctx -> signOut(ctx));
  }

  private void form(Context ctx) {
    if (sessions.find(ctx.cookie(Guard.SESSION_COOKIE)).isPresent()) {
      ctx.redirect(next(ctx.queryParam("next")));
      return;
    }
    showForm(ctx, 200, null);
  }

  private void signIn(Context ctx) {
    String formToken = ctx.formParam("_csrf");
    String cookieToken = ctx.cookie(LOGIN_COOKIE);
    if (!Guard.sameOrigin(ctx)
        || formToken == null
        || cookieToken == null
        || !formToken.equals(cookieToken)) {
      showForm(ctx, 403, "This sign-in form has expired. Please try again.");
      return;
    }
    var session = sessions.signIn(ctx.formParam("apiKey"));
    if (session.isEmpty()) {
      showForm(ctx, 401, "That API key is not valid on this server.");
      return;
    }
    ctx.removeCookie(LOGIN_COOKIE, "/");
    ctx.cookie(cookie(Guard.SESSION_COOKIE, session.get().id(), ctx));
    ctx.redirect(next(ctx.formParam("next")), HttpStatus.SEE_OTHER);
  }

  private void signOut(Context ctx) {
    var session = sessions.find(ctx.cookie(Guard.SESSION_COOKIE));
    if (session.isPresent()
        && Guard.sameOrigin(ctx)
        && session.get().csrfToken().equals(ctx.formParam("_csrf"))) {
      sessions.signOut(session.get().id());
    }
    ctx.removeCookie(Guard.SESSION_COOKIE, "/");
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  private void showForm(Context ctx, int status, String problem) {
    String token = sessions.token();
    ctx.cookie(cookie(LOGIN_COOKIE, token, ctx));
    ctx.header("Cache-Control", "no-store");
    var params = new HashMap<String, Object>();
    params.put("page", new Page("Sign in", null, ""));
    params.put("csrfToken", token);
    params.put(
        "next",
        next(ctx.formParam("next") != null ? ctx.formParam("next") : ctx.queryParam("next")));
    params.put("problem", problem);
    templates.render(ctx, status, "login.jte", params);
  }

  private static Cookie cookie(String name, String value, Context ctx) {
    var cookie = new Cookie(name, value);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.LAX);
    cookie.setSecure("https".equals(ctx.scheme()));
    return cookie;
  }

  /** Where to go after signing in: a path of this server only, never another site. */
  static String next(String requested) {
    if (requested == null
        || !requested.startsWith("/")
        || requested.startsWith("//")
        || requested.startsWith("/\\")
        || requested.chars().anyMatch(Character::isISOControl)) {
      return "/";
    }
    return requested;
  }
}
