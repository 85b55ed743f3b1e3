package dev.penstock.browser;

import static dev.penstock.testing.AbacusClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.Browser;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * A step's panel in a real Chromium: a failure's traceback, a running step's log, live, and the
 * artifacts a step produced (a file it wrote, a DataFrame it returned; the test Python needs
 * pandas).
 */
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

  private static final String REPORT = "rows: 7\n<b>not bold</b> — déjà vu\n";
  private static final byte[] REPORT_BYTES = REPORT.getBytes(StandardCharsets.UTF_8);

  private static final String ARTIFACTS =
      """
      import os, pathlib

      def report():
          folder = pathlib.Path(os.environ["PENSTOCK_OUTPUTS_DIR"])
          (folder / "report.txt").write_bytes(%s)

      def frame():
          import pandas as pd
          return pd.DataFrame({
              "city": ["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø", "Alta"],
              "people": [709037, 291940, 214565, 149048, 78745, 53712, 21789],
          })
      """
          .formatted(pythonBytes(REPORT_BYTES));

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

  @Test
  void a_steps_artifacts_are_listed_in_its_panel_shown_inline_and_downloaded_as_written() {
    String pipelineId = Steps.createPipeline(server.client(), Steps.uniqueName("panel_artifacts"));
    StepRequest.named("report")
        .source(ARTIFACTS)
        .function("report")
        .addTo(server.client(), pipelineId);
    StepRequest.named("frame")
        .source(ARTIFACTS)
        .function("frame")
        .output("cities", "ANY")
        .addTo(server.client(), pipelineId);
    String versionId = Steps.run(server.client(), pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId);
    assertThat(version.path("status").asText()).as(version.toString()).isEqualTo("COMPLETE");
    String reportId = Steps.stepVersion(version, "report").path("pipelineStepVersion").asText();
    String frameId = Steps.stepVersion(version, "frame").path("pipelineStepVersion").asText();

    browser.open(server.url() + "/runs/" + versionId + "/steps/" + reportId + "?tab=io");

    WebElement report = browser.find(By.cssSelector("li.artifact[data-artifact='report.txt']"));
    assertThat(report.getText())
        .contains("report.txt", "outputs folder", "FILE", "text/plain", REPORT_BYTES.length + " B");
    WebElement text = report.findElement(By.cssSelector("pre.artifact-text"));
    assertThat(script("return arguments[0].textContent;", text)).isEqualTo(REPORT);
    assertThat(text.findElements(By.tagName("b"))).as("the text is escaped").isEmpty();

    String href = report.findElement(By.cssSelector("a.artifact-download")).getDomAttribute("href");
    assertThat(href).startsWith("/runs/" + versionId + "/artifacts/");
    @SuppressWarnings("unchecked")
    var download = (java.util.Map<String, Object>) fetch(href);
    assertThat(download.get("status")).isEqualTo(200L);
    assertThat(download.get("hex")).isEqualTo(java.util.HexFormat.of().formatHex(REPORT_BYTES));
    assertThat((String) download.get("type")).startsWith("text/plain");
    assertThat((String) download.get("disposition"))
        .startsWith("attachment; filename=\"report.txt\"");
    assertThat(download.get("nosniff")).isEqualTo("nosniff");
    assertThat((String) download.get("csp")).startsWith("sandbox");
    @SuppressWarnings("unchecked")
    var missing = (java.util.Map<String, Object>) fetch("/runs/" + versionId + "/artifacts/nope");
    assertThat(missing.get("status")).isEqualTo(404L);

    browser.open(server.url() + "/runs/" + versionId + "/steps/" + frameId + "?tab=io");

    WebElement frame = browser.find(By.cssSelector("li.artifact[data-artifact='cities']"));
    assertThat(frame.getText()).contains("output cities", "TABLE");
    assertThat(
            frame.findElements(By.cssSelector(".artifact-table th")).stream()
                .map(WebElement::getText)
                .toList())
        .containsExactly("city object", "people int64");
    assertThat(
            frame.findElements(By.cssSelector(".artifact-table tbody tr")).stream()
                .map(WebElement::getText)
                .toList())
        .hasSize(5)
        .startsWith("Oslo 709037", "Bergen 291940");
    assertThat(frame.findElement(By.cssSelector(".artifact-rows")).getText())
        .isEqualTo("7 rows, the first 5 shown");
  }

  /** GETs {@code url} with the page's session: its status, bytes (hex) and headers. */
  private static Object fetch(String url) {
    return ((JavascriptExecutor) browser.driver())
        .executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(async (response) => {
              const bytes = new Uint8Array(await response.arrayBuffer());
              done({
                status: response.status,
                hex: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
                type: response.headers.get("Content-Type"),
                disposition: response.headers.get("Content-Disposition"),
                nosniff: response.headers.get("X-Content-Type-Options"),
                csp: response.headers.get("Content-Security-Policy"),
              });
            }, (error) => done({ status: -1, error: String(error) }));
            """,
            url);
  }

  private static boolean isScrolledToBottom(WebElement element) {
    return (Boolean)
        script(
            "const e = arguments[0];"
                + " return e.scrollHeight > e.clientHeight"
                + " && e.scrollHeight - e.scrollTop - e.clientHeight < 30;",
            element);
  }

  /** {@code bytes} as a Python bytes literal. */
  private static String pythonBytes(byte[] bytes) {
    var literal = new StringBuilder("b'");
    for (byte b : bytes) {
      literal.append("\\x%02x".formatted(b & 0xff));
    }
    return literal.append("'").toString();
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
