package dev.penstock.bench;

import dev.penstock.app.ConfigKey;
import dev.penstock.store.jdbc.JdbcStores;
import dev.penstock.testing.BigRuns;
import dev.penstock.testing.Browser;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import dev.penstock.testing.WebClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Prints how long the run page of a 10,000-step run (root → 9,998 squares → sink, written straight
 * into a real server's database, 60% complete) takes: the server's answer to GET /runs/{id} over
 * loopback, cold and warm, its size, other pages of its table, the live stream's first event, the
 * store reads behind it, and, when Debian's Chromium is there, the browser's DOMContentLoaded and
 * load. Run by bench/run-page.sh; arguments: [width of the fan-out] [measured rounds].
 */
public final class RunPageBench {
  private RunPageBench() {}

  public static void main(String[] args) throws Exception {
    int width = args.length > 0 ? Integer.parseInt(args[0]) : 9_998;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (TestServer server = TestServer.start(Map.of(ConfigKey.SWEEP_INTERVAL, "1h"))) {
      String name = Steps.uniqueName("bench_fan_out");
      String pipelineId = Steps.createPipeline(server.client(), name);
      long writing = System.nanoTime();
      var run = BigRuns.fanOut(server.dataDir(), pipelineId, name, width);
      System.err.printf(
          Locale.ROOT,
          "# wrote a run of %,d steps in %.1f s: %s%n",
          width + 2,
          (System.nanoTime() - writing) / 1e9,
          run.counts());
      String page = "/runs/" + run.versionId();
      var web = WebClient.signIn(server.url(), TestServer.ADMIN_KEY);

      // The first look reads the run's dependencies (then cached) on a JVM not yet warm.
      long coldStart = System.nanoTime();
      var cold = web.get(page);
      double coldMillis = (System.nanoTime() - coldStart) / 1e6;
      if (cold.statusCode() != 200) {
        throw new IllegalStateException("the run page answered " + cold.statusCode());
      }
      report(page + " (first look)", List.of(coldMillis), cold.body().length());
      for (int i = 0; i < 5; i++) {
        web.get(page);
      }
      report(page, time(rounds, () -> web.get(page).body().length()), cold.body().length());
      report(
          page + "?steps=50",
          time(rounds, () -> web.get(page + "?steps=50").body().length()),
          web.get(page + "?steps=50").body().length());
      report(
          page + "?status=failed",
          time(rounds, () -> web.get(page + "?status=failed").body().length()),
          web.get(page + "?status=failed").body().length());
      var firstEvents = new ArrayList<Double>();
      int eventBytes = 0;
      for (int i = 0; i < rounds; i++) {
        long start = System.nanoTime();
        var events = web.events(page + "/events", "0", event -> true, Duration.ofSeconds(30));
        firstEvents.add((System.nanoTime() - start) / 1e6);
        eventBytes = events.get(0).data().length();
      }
      report(page + "/events, first event (Last-Event-ID 0)", firstEvents, eventBytes);
      storeReads(server, run.versionId(), rounds);
      if (Files.isExecutable(Browser.CHROMIUM) && Files.isExecutable(Browser.CHROMEDRIVER)) {
        browser(server.url(), page, Math.min(rounds, 5));
      }
    }
  }

  private static void storeReads(TestServer server, String versionId, int rounds) {
    try (var stores =
        JdbcStores.open(
            "jdbc:sqlite:" + server.dataDir().resolve("server/penstock.db"), null, null)) {
      report(
          "store: stepProgress(run, null)",
          time(rounds, () -> stores.overview().stepProgress(versionId, null).size()),
          0);
      report(
          "store: stepDependencies(run)",
          time(rounds, () -> stores.overview().stepDependencies(versionId).size()),
          0);
      report(
          "store: findVersionToPlan(run) (not used by the page)",
          time(
              Math.min(rounds, 3),
              () -> stores.runs().findVersionToPlan(versionId).orElseThrow().steps().size()),
          0);
    }
  }

  private static void browser(String server, String page, int rounds) {
    var options = new ChromeOptions();
    options.setBinary(Browser.CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000");
    var service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Browser.CHROMEDRIVER.toFile())
            .build();
    var driver = new ChromeDriver(service, options);
    try {
      driver.get(server + "/login");
      driver.findElement(By.id("apiKey")).sendKeys(TestServer.ADMIN_KEY);
      driver.findElement(By.cssSelector("form[action='/login'] button[type=submit]")).click();
      var contentLoaded = new ArrayList<Double>();
      var loaded = new ArrayList<Double>();
      for (int i = 0; i < rounds + 1; i++) {
        driver.get(server + page);
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(30))
            .until(
                d ->
                    ((JavascriptExecutor) d)
                        .executeScript(
                            "const n = performance.getEntriesByType('navigation')[0];"
                                + " return n && n.loadEventEnd > 0;")
                        .equals(Boolean.TRUE));
        Object timing =
            ((JavascriptExecutor) driver)
                .executeScript(
                    "const n = performance.getEntriesByType('navigation')[0];"
                        + " return [n.domContentLoadedEventEnd, n.loadEventEnd];");
        var values = (List<?>) timing;
        if (i > 0) { // the first fills the browser's cache of scripts and styles
          contentLoaded.add(((Number) values.get(0)).doubleValue());
          loaded.add(((Number) values.get(1)).doubleValue());
        }
      }
      report("Chromium: DOMContentLoaded of " + page, contentLoaded, 0);
      report("Chromium: load of " + page, loaded, 0);
    } finally {
      driver.quit();
    }
  }

  private static List<Double> time(int rounds, Supplier<Integer> action) {
    var millis = new ArrayList<Double>();
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      action.get();
      millis.add((System.nanoTime() - start) / 1e6);
    }
    return millis;
  }

  private static void report(String what, List<Double> millis, int bytes) {
    var sorted = millis.stream().sorted().toList();
    System.out.printf(
        Locale.ROOT,
        "%-60s median %7.1f ms  min %7.1f  max %7.1f%s%n",
        what,
        sorted.get(sorted.size() / 2),
        sorted.getFirst(),
        sorted.getLast(),
        bytes > 0 ? "  %,d bytes".formatted(bytes) : "");
  }
}
