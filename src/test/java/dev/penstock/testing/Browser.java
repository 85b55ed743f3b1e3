package dev.penstock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium}, driven through Debian's {@code chromedriver}
 * by Selenium), one per test class: {@code @RegisterExtension static final Browser browser = new
 * Browser();}. No browser is downloaded: a missing one fails with the packages to install.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final String colorScheme;
  private Path profile;
  private ChromeDriver driver;

  /** A browser in light mode. */
  public Browser() {
    this("light");
  }

  /** A browser whose system colour scheme is {@code colorScheme}: "light" or "dark". */
  public Browser(String colorScheme) {
    this.colorScheme = colorScheme;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "the browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver")
        .isTrue();
    profile = Files.createTempDirectory("penstock-chromium");
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1400,1000",
        "--blink-settings=preferredColorScheme=" + ("dark".equals(colorScheme) ? 0 : 1),
        "--user-data-dir=" + profile);
    var service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (profile != null) {
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Signs in at {@code server}'s sign-in page with {@code apiKey}; lands on the pipelines page. */
  public void signIn(String server, String apiKey) {
    open(server + "/login");
    find(By.id("apiKey")).sendKeys(apiKey);
    find(By.cssSelector("form[action='/login'] button[type=submit]")).click();
    waitFor(d -> !d.getCurrentUrl().contains("/login"));
  }

  public WebElement find(By by) {
    return waitFor(d -> d.findElement(by));
  }

  /** Waits up to 15 s for {@code condition} to give a non-null, non-false value. */
  public <T> T waitFor(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
  }

  /** Saves a PNG of the window to {@code file}. */
  public void screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
