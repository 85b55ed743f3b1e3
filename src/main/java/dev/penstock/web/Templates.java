package dev.penstock.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Renders the templates of {@code src/main/jte}, compiled to classes with the rest of the code (the
 * jte Maven plugin), so that a template that does not type-check fails the build. Thread-safe.
 */
public final class Templates {
  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, Templates.class.getClassLoader(), "dev.penstock.web.templates");

  /** Renders {@code template} with {@code params} as the HTML answer, with {@code status}. */
  public void render(Context ctx, int status, String template, Map<String, Object> params) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(html(template, params));
  }

  /** The HTML {@code template} renders with {@code params}. */
  public String html(String template, Map<String, Object> params) {
    var output = new StringOutput(16 * 1024);
    engine.render(template, params, output);
    return output.toString();
  }

  public void render(Context ctx, String template, Map<String, Object> params) {
    render(ctx, 200, template, params);
  }
}
