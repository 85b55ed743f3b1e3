package dev.penstock.web;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * Adds a route that is a page: WebUi's {@code page}, which puts the handler behind the session
 * guard (and, for a post, its CSRF check). Each family of pages registers its routes through one.
 */
@FunctionalInterface
public interface Pages {
  void add(HandlerType verb, String path, Handler handler);
}
