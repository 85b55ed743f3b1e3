package dev.penstock.browser;

import static dev.penstock.testing.AbacusClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.testing.Browser;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Two runs of one pipeline, the second with another variable and changed code: compared side by
 * side, and drawn in the runs × steps grid.
 */
class CompareAndGridBrowserTest {
  private static final String SOURCE =
      """
      def double(n):
          return n * 2

      def check(doubled):
          if doubled > 5:
              raise ValueError("too big: " + str(doubled))
          return "fine"
      """;

  @RegisterExtension static final TestServer server = TestServer.perClass();
  @RegisterExtension static final Browser browser = new Browser();

  private static String pipelineId;
  private static String first;
  private static String second;

  /** Run one with n = 2 (both steps pass); run two with n = 3 and a new line in check's code. */
  @BeforeAll
  static void two_runs_that_differ() {
    var client = server.client();
    pipelineId = Steps.createPipeline(client, Steps.uniqueName("compare"));
    StepRequest.named("double")
        .source(SOURCE)
        .function("double")
        .fromVariable("n", "INTEGER", "n")
        .output("doubled", "INTEGER")
        .addTo(client, pipelineId);
    StepRequest.named("check")
        .source(SOURCE)
        .function("check")
        .fromVariable("doubled", "INTEGER", "doubled")
        .output("verdict", "STRING")
        .after("double")
        .addTo(client, pipelineId);
    first = run(2);
    String checkId =
        client
            .call(
                "describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "check"))
            .path("pipelineStepId")
            .asText();
    client.call(
        "updatePipelineStep",
        params(
            "pipelineStepId",
            checkId,
            "sourceCode",
            SOURCE.replace("    return \"fine\"", "    # a new line\n    return \"fine\"")));
    second = run(3);
    browser.signIn(server.url(), TestServer.ADMIN_KEY);
  }

  private static String run(int n) {
    String version =
        Steps.run(
            server.client(),
            pipelineId,
            List.of(
                Steps.input("n", "INTEGER", n, null), Steps.input("unit", "STRING", "kg", null)));
    server.awaitFinished(version);
    return version;
  }

  @Test
  void comparing_two_runs_marks_the_variable_outputs_and_code_that_differ() {
    browser.open(server.url() + "/compare?a=" + first + "&b=" + second);

    assertThat(row("table.compare.values", "n").getAttribute("class")).contains("differs");
    assertThat(row("table.compare.values", "n").getText()).contains("2").contains("3");
    assertThat(row("table.compare.values", "unit").getAttribute("class")).doesNotContain("differs");

    WebElement check = browser.find(By.cssSelector("article.compare-step[data-step=check]"));
    assertThat(check.getAttribute("class")).contains("changed");
    assertThat(check.getText()).contains("code changed").contains("COMPLETE").contains("FAILED");
    assertThat(check.findElement(By.cssSelector("pre.diff .added")).getText())
        .isEqualTo("+    # a new line");
    WebElement doubled =
        browser.find(
            By.cssSelector("article.compare-step[data-step=double] tr[data-value=doubled]"));
    assertThat(doubled.getAttribute("class")).contains("differs");
    assertThat(
            browser
                .find(By.cssSelector("article.compare-step[data-step=double]"))
                .findElements(By.cssSelector(".badge.changed"))
                .stream()
                .map(WebElement::getText))
        .doesNotContain("code changed");
  }

  @Test
  void the_grid_shows_one_coloured_cell_per_run_and_step_with_the_given_run_highlighted() {
    browser.open(server.url() + "/pipelines/" + pipelineId + "/grid?run=" + second);

    List<WebElement> cells = browser.driver().findElements(By.cssSelector("table.grid a.cell"));
    assertThat(cells).hasSize(4);
    assertThat(cells.stream().map(cell -> cell.getAttribute("data-status")))
        .containsExactly("COMPLETE", "COMPLETE", "COMPLETE", "FAILED"); // runs oldest first
    assertThat(browser.find(By.cssSelector("table.grid a.cell.status-failed")).getCssValue("color"))
        .isNotEqualTo(
            browser.find(By.cssSelector("table.grid a.cell.status-complete")).getCssValue("color"));
    WebElement failed = browser.find(By.cssSelector("table.grid a.cell.status-failed"));
    assertThat(failed.getAttribute("href")).contains("/runs/" + second + "?step=");
    assertThat(failed.getAttribute("title")).startsWith("check · FAILED");
    assertThat(browser.find(By.cssSelector("table.grid thead th.current")).getAttribute("data-run"))
        .isEqualTo(second);
    assertThat(browser.driver().findElements(By.cssSelector("table.grid td.current"))).hasSize(2);
  }

  private static WebElement row(String table, String name) {
    return browser.find(By.cssSelector(table + " tr[data-value='" + name + "']"));
  }
}
