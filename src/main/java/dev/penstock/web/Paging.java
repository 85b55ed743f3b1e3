package dev.penstock.web;

import io.javalin.http.Context;

/** Reads a page number from a query string: 1 for a missing, malformed or negative one. */
public final class Paging {
  private Paging() {}

  public static int page(Context ctx) {
    return page(ctx, "page");
  }

  public static int page(Context ctx, String parameter) {
    String value = ctx.queryParam(parameter);
    if (value == null) {
      return 1;
    }
    try {
      return Math.max(1, Math.min(1_000_000, Integer.parseInt(value.strip())));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
