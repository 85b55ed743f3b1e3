package dev.penstock.browser;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.input;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.Browser;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The pipeline page in a real Chromium: its graph, a step's panel, the run form, the schedule. */
class PipelinePageBrowserTest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  @RegisterExtension static final Browser browser = new Browser();

  private static final String LOAD =
      """
      def load(limit, options):
          return {"rows": list(range(limit)), "currency": options["currency"]}
      """;

  /**
   * load (INTEGER limit, JSON options) feeds total and report; variables limit=3, options={...}.
   */
  private static String pipeline(String prefix, String cron) {
    var created =
        cron == null
            ? params("pipelineName", Steps.uniqueName(prefix))
            : params("pipelineName", Steps.uniqueName(prefix), "cron", cron);
    String pipelineId = server.client().call("createPipeline", created).path("pipelineId").asText();
    server
        .client()
        .call(
            "updatePipeline",
            params(
                "pipelineId",
                pipelineId,
                "pipelineVariableMappings",
                List.of(
                    input("limit", "INTEGER", 3, null),
                    input("options", "JSON", Map.of("currency", "EUR"), null))));
    StepRequest.named("load")
        .source(LOAD)
        .function("load")
        .fromVariable("limit", "INTEGER", "limit")
        .fromVariable("options", "JSON", "options")
        .output("rows", "LIST")
        .output("currency", "STRING")
        .addTo(server.client(), pipelineId);
    StepRequest.named("total")
        .source("def total(rows):\n    return sum(rows)\n")
        .function("total")
        .fromVariable("rows", "LIST", "rows")
        .output("sum", "INTEGER")
        .after("load")
        .addTo(server.client(), pipelineId);
    StepRequest.named("report")
        .source("def report(sum, title):\n    print(title, sum)\n")
        .function("report")
        .fromVariable("sum", "INTEGER", "sum")
        .input("title", "STRING", "Daily total")
        .after("total")
        .addTo(server.client(), pipelineId);
    return pipelineId;
  }

  @BeforeAll
  static void sign_in() {
    browser.signIn(server.url(), TestServer.ADMIN_KEY);
  }

  private static JsonNode runs(String pipelineId) {
    return server
        .client()
        .call("listPipelineVersions", params("pipelineId", pipelineId, "limit", 10));
  }

  @Test
  void the_graph_shows_each_step_and_a_click_opens_its_highlighted_code_and_inputs() {
    String pipelineId = pipeline("page_graph", null);
    browser.open(server.url() + "/pipelines/" + pipelineId);

    var nodes = browser.driver().findElements(By.cssSelector("svg.dag g.node"));
    assertThat(nodes)
        .extracting(node -> node.getAttribute("data-id"))
        .containsExactlyInAnyOrder("load", "total", "report");
    assertThat(browser.driver().findElements(By.cssSelector("svg.dag .edge"))).hasSize(2);

    browser.find(By.cssSelector("svg.dag g.node[data-id='load']")).click();

    browser.waitFor(driver -> driver.getCurrentUrl().contains("step=load"));
    var code = browser.find(By.cssSelector("#step-panel pre code.hljs"));
    browser.waitFor(driver -> !code.findElements(By.cssSelector(".hljs-keyword")).isEmpty());
    assertThat(code.getText()).contains("def load(limit, options):");
    String inputs = browser.find(By.cssSelector("#step-panel table.inputs")).getText();
    assertThat(inputs).contains("limit", "INTEGER", "variable", "options", "JSON");
    assertThat(browser.find(By.cssSelector("#step-panel table.outputs")).getText())
        .contains("rows", "LIST", "currency", "STRING");
    assertThat(browser.find(By.id("step-panel")).getText()).contains("16 GB", "300 min");
    assertThat(browser.find(By.cssSelector("svg.dag g.node[data-id='load']")).getAttribute("class"))
        .contains("selected");

    browser.find(By.cssSelector("#step-panel .chip[href*='step=total']")).click();
    browser.waitFor(driver -> driver.getCurrentUrl().contains("step=total"));
    assertThat(browser.find(By.cssSelector("#step-panel table.inputs")).getText())
        .contains("output", "rows", "load");

    browser.driver().navigate().refresh();
    assertThat(browser.find(By.cssSelector("#step-panel h2")).getText()).isEqualTo("total");
  }

  @Test
  void a_wrongly_typed_variable_is_caught_before_submitting_and_the_fixed_run_gets_typed_values() {
    String pipelineId = pipeline("page_run", null);
    browser.open(server.url() + "/pipelines/" + pipelineId);

    var limit = browser.find(By.id("var-limit"));
    assertThat(limit.getAttribute("value")).isEqualTo("3");
    limit.clear();
    limit.sendKeys("2.5");
    var options = browser.find(By.id("var-options"));
    options.clear();
    options.sendKeys("{\"currency\": ");

    assertThat(browser.find(By.id("var-limit-error")).getText()).contains("whole number");
    assertThat(browser.find(By.id("var-options-error")).getText()).contains("Not valid JSON");
    browser.find(By.cssSelector("form[data-run-form] button[type=submit]")).click();
    assertThat(browser.find(By.cssSelector("form[data-run-form] .form-summary")).getText())
        .contains("2 values");
    assertThat(browser.driver().getCurrentUrl()).endsWith("/pipelines/" + pipelineId);
    assertThat(runs(pipelineId)).isEmpty();

    limit.clear();
    limit.sendKeys("4");
    options.clear();
    options.sendKeys("{\"currency\": \"USD\", \"round\": 2}");
    assertThat(browser.find(By.id("var-limit-error")).getText()).isEmpty();
    browser.find(By.cssSelector("form[data-run-form] button[type=submit]")).click();

    browser.waitFor(driver -> driver.getCurrentUrl().contains("/runs/"));
    String versionId = browser.driver().getCurrentUrl().replaceAll(".*/runs/", "");
    assertThat(runs(pipelineId)).hasSize(1);
    JsonNode run = server.awaitFinished(versionId);
    JsonNode variables = run.path("pipelineVariableMappings");
    assertThat(Steps.mappingValue(variables, "limit").isInt()).isTrue();
    assertThat(Steps.mappingValue(variables, "limit").asInt()).isEqualTo(4);
    assertThat(Steps.mappingValue(variables, "options").path("round").asInt()).isEqualTo(2);
    assertThat(run.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(Steps.outputValue(run, "load", "currency").asText()).isEqualTo("USD");
  }

  @Test
  void pausing_and_resuming_the_schedule_asks_first_and_changes_what_the_api_reports() {
    String pipelineId = pipeline("page_schedule", "0 4 * * *");
    browser.open(server.url() + "/pipelines/" + pipelineId);

    browser.find(By.cssSelector("#schedule button[value=pause]")).click();
    browser.waitFor(ExpectedConditions.alertIsPresent()).dismiss();
    assertThat(describe(pipelineId).path("nextRunTime").isTextual()).isTrue();

    browser.find(By.cssSelector("#schedule button[value=pause]")).click();
    browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
    assertThat(browser.find(By.cssSelector("#schedule .badge.paused")).getText())
        .isEqualTo("paused");
    assertThat(describe(pipelineId).path("nextRunTime").isNull()).isTrue();

    browser.find(By.cssSelector("#schedule button[value=resume]")).click();
    browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
    browser.find(By.cssSelector("#schedule button[value=pause]"));
    assertThat(describe(pipelineId).path("nextRunTime").isTextual()).isTrue();
    assertThat(
            ((JavascriptExecutor) browser.driver())
                .executeScript("return document.querySelectorAll('#schedule .paused').length"))
        .isEqualTo(0L);
  }

  private static JsonNode describe(String pipelineId) {
    return server.client().call("describePipeline", params("pipelineId", pipelineId));
  }
}
