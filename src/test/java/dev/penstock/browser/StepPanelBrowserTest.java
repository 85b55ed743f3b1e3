package dev.penstock.browser;

import static dev.penstock.testing.AbacusClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.Browser;
import dev.penstock.testing.SharedFolders;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** A step's panel in a real Chromium: a failure's traceback, and a running step's log, live. */
class StepPanelBrowserTest {
  private static final String SOURCE =
      """
      import pathlib, time

      def explode(n):
          return divide(n)

      def divide(n):
          return n / 0

      def chatty(shared):
          folder = pathlib.Path(shared)
          for i in range(80):
              print(f"first batch line {i}", flush=True)
          while not (folder / "go").exists():
              time.sleep(0.05)
          for i in range(80):
              print(f"second batch line {i}", flush=True)
          while not (folder / "done").exists():
              time.sleep(0.05)
          print("the last line", flush=True)
          return 1
      """;

  @RegisterExtension static final TestServer server = TestServer.perClass();
  @RegisterExtension static final Browser browser = new Browser();

  @BeforeAll
  static void sign_in() {
    browser.signIn(server.url(), TestServer.ADMIN_KEY);
  }

  @Test
  void a_failed_steps_panel_shows_its_python_traceback_and_its_tab_is_kept_in_the_url() {
    String pipelineId = Steps.createPipeline(server.client(), Steps.uniqueName("panel_fails"));
    StepRequest.named("explode")
        .source(SOURCE)
        .function("explode")
        .input("n", "INTEGER", 7)
        .addTo(server.client(), pipelineId);
    String versionId = Steps.run(server.client(), pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId);
    String stepId = Steps.stepVersion(version, "explode").path("pipelineStepVersion").asText();

    browser.open(server.url() + "/runs/" + versionId + "/steps/" + stepId);

    WebElement traceback = browser.find(By.cssSelector(".step-error pre.traceback"));
    assertThat(traceback.getText())
        .contains("Traceback")
        .contains("in divide")
        .contains("return n / 0")
        .contains("ZeroDivisionError: division by zero");
    assertThat(traceback.getText().lines().count()).as("its line breaks are kept").isGreaterThan(3);
    assertThat(browser.find(By.cssSelector(".step-title .status")).getText()).isEqualTo("FAILED");

    browser.find(By.cssSelector("[data-tab-link=code]")).click();
    browser.waitFor(driver -> driver.getCurrentUrl().contains("tab=code"));
    browser.find(By.cssSelector("[data-tab-body=code] code.hljs")); // highlighted
    browser.driver().navigate().refresh();
    assertThat(browser.find(By.cssSelector("[data-tab-body=code]")).isDisplayed()).isTrue();
    assertThat(browser.find(By.cssSelector("[data-tab-body=log]")).isDisplayed()).isFalse();
  }

  @Test
  void a_running_steps_log_grows_without_a_reload_and_follows_until_the_reader_scrolls_up()
      throws Exception {
    Path shared = SharedFolders.create();
    String pipelineId = Steps.createPipeline(server.client(), Steps.uniqueName("panel_live"));
    StepRequest.named("chatty")
        .source(SOURCE)
        .function("chatty")
        .input("shared", "STRING", shared.toString())
        .addTo(server.client(), pipelineId);
    String versionId = Steps.run(server.client(), pipelineId, List.of());
    String stepId = awaitRunning(versionId, "chatty");
    browser.open(server.url() + "/runs/" + versionId + "/steps/" + stepId + "?tab=log");
    WebElement log = browser.find(By.cssSelector("pre.log"));
    browser.waitFor(driver -> log.getText().contains("first batch line 79"));
    assertThat(isScrolledToBottom(log)).as("the log opened at its end").isTrue();
    script("window.notReloaded = true;");

    Files.createFile(shared.resolve("go"));

    browser.waitFor(driver -> log.getText().contains("second batch line 79"));
    assertThat(script("return window.notReloaded === true;")).isEqualTo(true);
    browser.waitFor(driver -> isScrolledToBottom(log));
    assertThat(log.getText()).contains("first batch line 0").doesNotContain("the last line");

    script("arguments[0].scrollTop = 0;", log);
    browser.waitFor(driver -> browser.find(By.cssSelector("[data-log-follow]")).isDisplayed());
    Files.createFile(shared.resolve("done"));

    browser.waitFor(driver -> log.getText().contains("the last line"));
    assertThat(script("return arguments[0].scrollTop;", log))
        .as("a reader who scrolled up is left where they are")
        .isEqualTo(0L);
    browser.waitFor(
        driver -> browser.find(By.cssSelector("[data-log-state]")).getText().contains("complete"));
  }

  private static boolean isScrolledToBottom(WebElement element) {
    return (Boolean)
        script(
            "const e = arguments[0];"
                + " return e.scrollHeight > e.clientHeight"
                + " && e.scrollHeight - e.scrollTop - e.clientHeight < 30;",
            element);
  }

  private static Object script(String code, Object... arguments) {
    return ((JavascriptExecutor) browser.driver()).executeScript(code, arguments);
  }

  private static String awaitRunning(String versionId, String stepName) {
    return browser.waitFor(
        driver -> {
          JsonNode step =
              Steps.stepVersion(
                  server
                      .client()
                      .call("describePipelineVersion", params("pipelineVersion", versionId)),
                  stepName);
          return step.path("status").asText().equals("RUNNING")
              ? step.path("pipelineStepVersion").asText()
              : null;
        });
  }
}
