package dev.penstock.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.testing.Browser;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/** Signing in and out of the web UI in a real Chromium. */
class SignInBrowserTest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  @RegisterExtension static final Browser browser = new Browser();

  @Test
  void a_wrong_key_is_told_and_the_right_one_opens_the_pipelines_page_with_an_http_only_cookie() {
    String name = Steps.uniqueName("signin");
    Steps.createPipeline(server.client(), name);

    browser.open(server.url() + "/");
    browser.waitFor(driver -> driver.getCurrentUrl().contains("/login"));
    browser.find(By.id("apiKey")).sendKeys("not-a-key-of-this-server");
    browser.find(By.cssSelector("form[action='/login'] button")).click();
    assertThat(browser.find(By.cssSelector("[role=alert]")).getText()).contains("not valid");

    browser.signIn(server.url(), TestServer.ADMIN_KEY);

    assertThat(browser.find(By.linkText(name)).getAttribute("href")).contains("/pipelines/");
    Cookie session = browser.driver().manage().getCookieNamed("penstock_session");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(browser.driver().getPageSource()).doesNotContain(TestServer.ADMIN_KEY);
    assertThat(browser.driver().getCurrentUrl()).doesNotContain(TestServer.ADMIN_KEY);

    browser.find(By.cssSelector("form.signout button")).click();
    browser.waitFor(driver -> driver.getCurrentUrl().contains("/login"));
    browser.open(server.url() + "/");
    browser.waitFor(driver -> driver.getCurrentUrl().contains("/login?next="));
  }

  @Test
  void the_filter_narrows_the_list_without_a_reload() {
    String kept = Steps.uniqueName("filter_kept");
    String other = Steps.uniqueName("filter_other");
    Steps.createPipeline(server.client(), kept);
    Steps.createPipeline(server.client(), other);
    browser.signIn(server.url(), TestServer.ADMIN_KEY);
    browser.find(By.linkText(other));

    browser.find(By.cssSelector("input[name=q]")).sendKeys("filter_kept");

    browser.waitFor(driver -> driver.findElements(By.linkText(other)).isEmpty());
    assertThat(browser.find(By.linkText(kept)).isDisplayed()).isTrue();
    assertThat(browser.driver().getCurrentUrl()).contains("q=filter_kept");
  }
}
