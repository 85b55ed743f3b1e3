package dev.penstock.browser;

import static dev.penstock.testing.AbacusClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.Browser;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * A run's page in a real Chromium: it follows the run live, and its actions, confirmed in a dialog,
 * act on the run. Steps wait for files the test writes into a shared folder.
 */
class RunPageBrowserTest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  @RegisterExtension static final Browser browser = new Browser();

  private static final String SOURCE =
      """
      import pathlib, time

      def gate(shared):
          while not (pathlib.Path(shared) / "release").exists():
              time.sleep(0.05)
          return 1

      def fragile(shared):
          if not (pathlib.Path(shared) / "fixed").exists():
              raise RuntimeError("not fixed yet")
          return 2

      def quick():
          return 3
      """;

  private final AbacusClient client = server.client();
  private final Path shared = SharedFolders.create();

  @BeforeAll
  static void sign_in() {
    browser.signIn(server.url(), TestServer.ADMIN_KEY);
  }

  private StepRequest step(String name, String function) {
    var step = StepRequest.named(name).source(SOURCE).function(function);
    return function.equals("quick") ? step : step.input("shared", "STRING", shared.toString());
  }

  private void touch(String name) throws IOException {
    Files.writeString(shared.resolve(name), "x");
  }

  private String rowStatus(String stepName) {
    return browser
        .find(By.xpath("//tr[td[@class='name']/a[text()='" + stepName + "']]//td[@class='st']"))
        .getText();
  }

  private Object script(String code) {
    return ((JavascriptExecutor) browser.driver()).executeScript(code);
  }

  private JsonNode version(String versionId) {
    return client.call("describePipelineVersion", params("pipelineVersion", versionId));
  }

  @Test
  void steps_turn_complete_on_the_page_without_a_reload() throws IOException {
    String pipelineId = Steps.createPipeline(client, Steps.uniqueName("live"));
    step("waits", "gate").addTo(client, pipelineId);
    step("after", "quick").after("waits").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    browser.open(server.url() + "/runs/" + versionId);
    browser.waitFor(driver -> rowStatus("waits").equals("running"));
    script("window.__notReloaded = true;");
    assertThat(rowStatus("after")).isEqualTo("pending");
    String waits = stepId("waits");
    String after = stepId("after");
    assertThat(nodeClasses(waits)).contains("status-running");

    touch("release");

    browser.waitFor(driver -> rowStatus("after").equals("complete"));
    browser.waitFor(driver -> nodeClasses(after).contains("status-complete"));
    assertThat(nodeClasses(waits)).contains("status-complete").doesNotContain("status-running");
    assertThat(rowStatus("waits")).isEqualTo("complete");
    browser.waitFor(driver -> browser.find(By.id("run-status")).getText().equals("COMPLETE"));
    assertThat(script("return window.__notReloaded === true")).isEqualTo(true);
    assertThat(browser.find(By.cssSelector("[data-dialog=confirm-rerun-all]")).isDisplayed())
        .as("offered once the run has ended, without a reload")
        .isTrue();
    assertThat(browser.find(By.cssSelector("[data-dialog=confirm-rerun-failed]")).isDisplayed())
        .isFalse();
    assertThat(browser.find(By.cssSelector("[data-count=COMPLETE] b")).getText()).isEqualTo("2");
    assertThat(browser.find(By.cssSelector("[data-count=PENDING]")).isDisplayed()).isFalse();
    browser.waitFor(
        driver ->
            "ended"
                .equals(
                    browser.find(By.cssSelector("section.run")).getDomAttribute("data-stream")));
    assertThat(browser.driver().findElements(By.cssSelector("tr[data-step] .bar.status-complete")))
        .hasSize(2);

    browser.find(By.cssSelector(".dag g.node[data-id='" + waits + "']")).click();

    browser.waitFor(driver -> driver.getCurrentUrl().endsWith("?step=" + waits));
    assertThat(script("return window.__notReloaded === true"))
        .as("the panel opens in place")
        .isEqualTo(true);
    assertThat(
            browser.find(By.cssSelector("tr[data-step='" + waits + "']")).getDomAttribute("class"))
        .contains("selected");
    assertThat(nodeClasses(waits)).contains("selected");

    browser.driver().navigate().back();

    browser.waitFor(driver -> !driver.getCurrentUrl().contains("step="));
    browser.waitFor(driver -> !nodeClasses(waits).contains("selected"));
    assertThat(script("return window.__notReloaded === true")).isEqualTo(true);
  }

  private String stepId(String stepName) {
    return browser
        .find(By.xpath("//tr[td[@class='name']/a[text()='" + stepName + "']]"))
        .getDomAttribute("data-step");
  }

  private String nodeClasses(String stepVersionId) {
    return browser
        .find(By.cssSelector(".dag g.node[data-id='" + stepVersionId + "']"))
        .getDomAttribute("class");
  }

  @Test
  void a_run_is_cancelled_from_its_page_once_confirmed() {
    String pipelineId = Steps.createPipeline(client, Steps.uniqueName("cancel"));
    step("waits", "gate").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    browser.open(server.url() + "/runs/" + versionId);
    browser.waitFor(driver -> rowStatus("waits").equals("running"));

    browser.find(By.cssSelector("button[data-dialog=confirm-cancel]")).click();
    var dialog = browser.find(By.id("confirm-cancel"));
    assertThat(dialog.isDisplayed()).isTrue();
    dialog.findElement(By.cssSelector("button[data-close]")).click();
    browser.waitFor(driver -> !dialog.isDisplayed());
    assertThat(version(versionId).path("status").asText()).isEqualTo("RUNNING");

    browser.find(By.cssSelector("button[data-dialog=confirm-cancel]")).click();
    dialog.findElement(By.cssSelector("button[type=submit]")).click();

    browser.waitFor(driver -> driver.getCurrentUrl().contains("done=cancelled"));
    assertThat(version(versionId).path("status").asText()).isEqualTo("CANCELLED");
    assertThat(browser.find(By.id("run-status")).getText()).isEqualTo("CANCELLED");
    assertThat(browser.driver().findElements(By.cssSelector("button[data-dialog=confirm-cancel]")))
        .isEmpty();
  }

  @Test
  void a_failed_step_is_rerun_with_its_downstream_from_its_row() throws IOException {
    String pipelineId = Steps.createPipeline(client, Steps.uniqueName("rerun"));
    step("fragile", "fragile").addTo(client, pipelineId);
    step("after", "quick").after("fragile").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    assertThat(Steps.awaitFinished(client, versionId).path("status").asText()).isEqualTo("FAILED");
    touch("fixed");
    browser.open(server.url() + "/runs/" + versionId);
    assertThat(rowStatus("fragile")).isEqualTo("failed");

    browser
        .find(By.xpath("//tr[td[@class='name']/a[text()='fragile']]//button[@data-dialog]"))
        .click();
    var dialog = browser.find(By.id("confirm-rerun-step"));
    assertThat(dialog.findElement(By.cssSelector("h2 code")).getText()).isEqualTo("fragile");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();

    browser.waitFor(driver -> driver.getCurrentUrl().contains("done=rerun"));
    JsonNode done = Steps.awaitFinished(client, versionId, Duration.ofSeconds(60));
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(Steps.stepVersion(done, "fragile").path("attempt").asInt()).isEqualTo(2);
    assertThat(Steps.stepVersion(done, "after").path("status").asText()).isEqualTo("COMPLETE");
    browser.waitFor(driver -> rowStatus("after").equals("complete"));
    assertThat(browser.driver().findElements(By.cssSelector("tr[data-step] .bar.earlier")))
        .as("the failed attempt, faded")
        .isNotEmpty();
  }
}
