package dev.penstock.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.Browser;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The README's screenshots: a small sales pipeline run twice (once COMPLETE, once FAILED), and the
 * main pages photographed in light and dark mode. Each page is checked for what the picture is
 * meant to show before it is taken. The pictures go to {@code target/screenshots}, or to the folder
 * in the system property {@code penstock.screenshots}: {@code ./penstock screenshots} writes them
 * into {@code docs/screenshots}.
 */
class ScreenshotsBrowserTest {
  private static final String SOURCE =
      """
      def extract(day):
          print("reading the sales of", day)
          return [{"region": r, "amount": 10 * r + len(day)} for r in range(10)]

      def region(rows):
          return sum(row["amount"] for row in rows)

      def report(rows, limit):
          total = sum(row["amount"] for row in rows)
          print("total", total)
          if total > limit:
              raise ValueError(f"total {total} is over the limit {limit}")
          return f"{total} sold"
      """;

  @RegisterExtension static final TestServer server = TestServer.perClass();
  @RegisterExtension static final Browser light = new Browser();
  @RegisterExtension static final Browser dark = new Browser("dark");

  private static final Path FOLDER =
      Path.of(System.getProperty("penstock.screenshots", "target/screenshots"));
  private static String pipelineId;
  private static String complete;
  private static String failed;

  @BeforeAll
  static void a_pipeline_run_twice() {
    var client = server.client();
    pipelineId = Steps.createPipeline(client, "daily_sales");
    client.call(
        "updatePipeline",
        java.util.Map.of(
            "pipelineId",
            pipelineId,
            "pipelineVariableMappings",
            List.of(
                Steps.input("day", "STRING", "2026-12-01", null),
                Steps.input("limit", "INTEGER", 1000, null))));
    StepRequest.named("extract")
        .source(SOURCE)
        .function("extract")
        .fromVariable("day", "STRING", "day")
        .output("rows", "JSON")
        .addTo(client, pipelineId);
    for (int region = 0; region < 10; region++) {
      StepRequest.named("region_" + region)
          .source(SOURCE)
          .function("region")
          .fromVariable("rows", "JSON", "rows")
          .output("total_" + region, "INTEGER")
          .after("extract")
          .addTo(client, pipelineId);
    }
    var regions = new String[10];
    for (int region = 0; region < 10; region++) {
      regions[region] = "region_" + region;
    }
    StepRequest.named("report")
        .source(SOURCE)
        .function("report")
        .fromVariable("rows", "JSON", "rows")
        .fromVariable("limit", "INTEGER", "limit")
        .output("summary", "STRING")
        .after(regions)
        .addTo(client, pipelineId);
    complete = run("2026-12-05", 10_000);
    failed = run("2026-12-06", 100);
    light.signIn(server.url(), TestServer.ADMIN_KEY);
    dark.signIn(server.url(), TestServer.ADMIN_KEY);
  }

  private static String run(String day, int limit) {
    String version =
        Steps.run(
            server.client(),
            pipelineId,
            List.of(
                Steps.input("day", "STRING", day, null),
                Steps.input("limit", "INTEGER", limit, null)));
    server.awaitFinished(version);
    return version;
  }

  @Test
  void the_main_pages_are_photographed_after_showing_what_they_should() throws Exception {
    Files.createDirectories(FOLDER);

    light.open(server.url() + "/");
    assertThat(light.find(By.linkText("daily_sales")).isDisplayed()).isTrue();
    light.screenshot(FOLDER.resolve("pipelines.png"));

    light.open(server.url() + "/pipelines/" + pipelineId + "?step=report");
    assertThat(light.find(By.cssSelector("svg.dag")).isDisplayed()).isTrue();
    light.waitFor(driver -> driver.getPageSource().contains("over the limit"));
    light.screenshot(FOLDER.resolve("pipeline.png"));

    light.open(server.url() + "/runs/" + complete);
    light.find(By.cssSelector("svg.dag .node.status-complete"));
    light.screenshot(FOLDER.resolve("run-complete.png"));

    String failedStep = stepVersionOf(failed, "report");
    light.open(server.url() + "/runs/" + failed + "?step=" + failedStep);
    light.waitFor(driver -> driver.getPageSource().contains("ValueError"));
    light.screenshot(FOLDER.resolve("run-failed-step.png"));

    light.open(server.url() + "/compare?a=" + complete + "&b=" + failed);
    light.waitFor(driver -> driver.getPageSource().contains("2026-12-06"));
    light.screenshot(FOLDER.resolve("compare.png"));

    dark.open(server.url() + "/runs/" + failed + "?step=" + failedStep);
    dark.waitFor(driver -> driver.getPageSource().contains("ValueError"));
    assertThat(dark.find(By.tagName("body")).getCssValue("background-color"))
        .isNotEqualTo(light.find(By.tagName("body")).getCssValue("background-color"));
    dark.screenshot(FOLDER.resolve("run-failed-step-dark.png"));

    for (String picture :
        List.of(
            "pipelines.png",
            "pipeline.png",
            "run-complete.png",
            "run-failed-step.png",
            "compare.png",
            "run-failed-step-dark.png")) {
      assertThat(Files.size(FOLDER.resolve(picture))).as(picture).isGreaterThan(10_000);
    }
  }

  private static String stepVersionOf(String version, String stepName) {
    JsonNode run =
        server
            .client()
            .call("describePipelineVersion", java.util.Map.of("pipelineVersion", version));
    for (JsonNode step : run.path("stepVersions")) {
      if (step.path("stepName").asText().equals(stepName)) {
        return step.path("pipelineStepVersion").asText();
      }
    }
    throw new AssertionError("no step " + stepName + " in " + run);
  }
}
