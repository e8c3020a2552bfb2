package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.server.Service;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's chromium, headless, through chromedriver) against a
 * service on the emulators that requires API keys: the key prompt and a wrong key; an account with
 * known traffic on three days, its totals and daily rows read back from the page; its records paged
 * through and one opened; the top-accounts table and its link; the operations view. Each view is
 * photographed into {@code target/console-screenshots} (or {@code -Dlogmeter.screenshots=docs/console}).
 */
class ConsoleBrowserTest {

  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static final String KEY = "lm_console_" + UUID.randomUUID();
  private static final String ACCOUNT = "c0ffee00-" + UUID.randomUUID().toString().substring(9);
  private static final String SMALLER = "0dd00000-" + UUID.randomUUID().toString().substring(9);
  private static final int RECORDS = 23;

  private static TestStack stack;
  private static Service service;
  private static int port;
  private static WebDriver browser;
  private static long[] perDay = new long[3];
  private static long[] messagesPerDay = new long[3];

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    Names names = Names.fresh();
    port = TestStack.freePort();
    String hash = HexFormat.of().formatHex(ApiKeys.sha256(KEY));
    // With the fold: the page shows how fresh its figures are, and lists the records of the hour
    // not written yet from the fold's periods, those of earlier hours from the ledger's pages.
    service = stack.start(stack.config(names, port).put("authDisabled", false)
        .put("apiKeys", "console:usage:read+logs:read:" + hash).put("ledger", "fold")
        .put("foldQueueName", names.queue() + "-fold").put("foldPeriodMillis", 200));
    // The account: messages today, yesterday and five days ago; another account with less.
    List<String> bodies = new ArrayList<>();
    int[] back = {0, 1, 5};
    for (int i = 0; i < RECORDS; i++) {
      int d = i % 3;
      String logData = "request " + i + " served in " + (10 + i) + " ms — ok";
      Instant at = TODAY.minusDays(back[d]).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(60L * i);
      bodies.add(Messages.envelope(UUID.randomUUID().toString(), at, ACCOUNT, logData));
      perDay[d] += logData.getBytes(StandardCharsets.UTF_8).length;
      messagesPerDay[d]++;
    }
    bodies.add(Messages.envelope(UUID.randomUUID().toString(), Instant.now(), SMALLER, "small"));
    stack.sendAll(names.queueUrl(stack), bodies);
    TestStack.await(Duration.ofSeconds(60), "every message handed to the fold",
        () -> stack.metricIfUp(port, "logmeter_messages_accepted_total") == bodies.size());
    Instant handed = Instant.now();
    TestStack.await(Duration.ofSeconds(60), "the fold counting through them", () -> countedThrough().isAfter(handed));

    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100");
    ChromeDriverService driver = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(driver, options);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    stack.stop(service);
  }

  @BeforeEach
  void freshTab() {
    browser.get(url("/console/"));
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
  }

  @Test
  void anAccountsTotalsAndDailyRowsAreReadBackExactly() throws Exception {
    lookUp(ACCOUNT);
    long total = perDay[0] + perDay[1] + perDay[2];
    assertThat(bytesOf("total-bytes")).isEqualTo(total);
    assertThat(text("total-messages")).isEqualTo(RECORDS + " messages");
    long monthToDate = perDay[0] + (TODAY.minusDays(1).getMonth() == TODAY.getMonth() ? perDay[1] : 0)
        + (TODAY.minusDays(5).getMonth() == TODAY.getMonth() ? perDay[2] : 0);
    assertThat(bytesOf("mtd-bytes")).isEqualTo(monthToDate);
    assertThat(bytesOf("range-bytes")).isEqualTo(total);
    assertThat(browser.findElement(By.id("total-bytes")).getAttribute("title")).endsWith(" bytes");
    assertThat(text("counted-through")).startsWith("Counts every message acknowledged before " + TODAY);

    // One row per day of the default range (30 days), the three days with their exact numbers.
    List<WebElement> rows = browser.findElements(By.cssSelector("#days-table tbody tr"));
    assertThat(rows).hasSize(30);
    for (int d = 0; d < 3; d++) {
      WebElement row = browser.findElement(By.cssSelector("#days-table tr[data-date='"
          + TODAY.minusDays(new int[] {0, 1, 5}[d]) + "']"));
      assertThat(Long.parseLong(row.findElement(By.cssSelector("td.bytes")).getAttribute("data-bytes")))
          .isEqualTo(perDay[d]);
      assertThat(row.findElement(By.cssSelector("td.messages")).getText()).isEqualTo(Long.toString(messagesPerDay[d]));
    }
    assertThat(browser.findElements(By.cssSelector("#chart rect.bar"))).hasSize(30);
    org.openqa.selenium.support.ui.Select measure = new org.openqa.selenium.support.ui.Select(
        browser.findElement(By.id("chart-measure")));
    measure.selectByValue("messages");
    long most = Math.max(messagesPerDay[0], Math.max(messagesPerDay[1], messagesPerDay[2]));
    assertThat(browser.findElement(By.cssSelector("#chart svg text")).getText())
        .isEqualTo("max " + most + " messages per day");
    measure.selectByValue("bytes");
    screenshot("account");
  }

  @Test
  void recordsArePagedThroughAndOpenedInFull() throws Exception {
    lookUp(ACCOUNT);
    Set<String> seen = new HashSet<>();
    int pages = 0;
    while (true) {
      List<WebElement> rows = wait(5).until(d -> {
        List<WebElement> r = d.findElements(By.cssSelector("#records-table tbody tr"));
        return r.isEmpty() ? null : r;
      });
      List<String> ids = wait(5).until(d -> d.findElements(By.cssSelector("#records-table tbody td.id")).stream()
          .map(WebElement::getText).toList());
      String first = ids.get(0);
      for (String id : ids) {
        assertThat(seen.add(id)).as("each record listed once").isTrue();
      }
      pages++;
      if (pages == 1) {
        screenshot("records");
      }
      WebElement next = browser.findElement(By.id("records-next"));
      if (!next.isDisplayed()) {
        break;
      }
      next.click();
      wait(5).until(d -> !d.findElement(By.cssSelector("#records-table tbody tr td.id")).getText().equals(first));
    }
    assertThat(seen).hasSize(RECORDS);
    assertThat(pages).isEqualTo(3); // 10, 10, 3

    browser.findElement(By.id("records-first")).click();
    wait(5).until(ExpectedConditions.invisibilityOfElementLocated(By.id("records-first"))); // the newest page is back
    wait(5).until(d -> {
      d.findElement(By.cssSelector("#records-table button.open")).click();
      return true;
    });
    wait(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("record-detail")));
    String json = text("record-json");
    assertThat(json).contains("\"accountId\": \"" + ACCOUNT + "\"").contains("\"logData\": \"request ");
    screenshot("record");
  }

  @Test
  void theTopAccountsTableRanksByBytesAndLinksIntoEachAccount() throws Exception {
    browser.get(url("/console/#top"));
    setDate("top-from", TODAY.minusDays(10));
    browser.findElement(By.id("top-load")).click();
    enterKey(KEY);
    List<WebElement> rows = wait(10).until(d -> {
      List<WebElement> r = d.findElements(By.cssSelector("#top-table tbody tr"));
      return r.size() >= 2 ? r : null;
    });
    assertThat(rows.get(0).findElement(By.tagName("a")).getText()).isEqualTo(ACCOUNT);
    assertThat(Long.parseLong(rows.get(0).findElement(By.cssSelector("td.bytes")).getText().replace(",", "")))
        .isEqualTo(perDay[0] + perDay[1] + perDay[2]);
    assertThat(rows.get(1).findElement(By.tagName("a")).getText()).isEqualTo(SMALLER);
    assertThat(text("top-summary")).startsWith("2 accounts with usage");
    screenshot("top");
    rows.get(0).findElement(By.tagName("a")).click();
    wait(10).until(d -> d.findElement(By.id("total-bytes")).getAttribute("data-bytes") != null);
    assertThat(bytesOf("total-bytes")).isEqualTo(perDay[0] + perDay[1] + perDay[2]);
  }

  @Test
  void theKeyIsAskedForAndAWrongOneIsSaidToBeWrong() throws Exception {
    browser.get(url("/console/#account/" + ACCOUNT));
    wait(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-panel")));
    assertThat(text("key-message")).contains("requires an API key");
    screenshot("key");
    browser.findElement(By.id("key-input")).sendKeys("lm_not_the_key");
    browser.findElement(By.id("key-save")).click();
    wait(10).until(d -> d.findElement(By.id("key-message")).getText().contains("refused"));
    assertThat(text("key-message")).contains("The API key was refused").contains("not valid");
    assertThat(browser.findElement(By.id("account-result")).isDisplayed()).isFalse();
    enterKey(KEY);
    assertThat(bytesOf("total-bytes")).isEqualTo(perDay[0] + perDay[1] + perDay[2]);
  }

  @Test
  void anUnknownAccountShowsZeroAndNoRecords() throws Exception {
    lookUp(UUID.randomUUID().toString());
    assertThat(bytesOf("total-bytes")).isZero();
    wait(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("records-empty")));
    browser.findElement(By.id("account-id")).clear();
    browser.findElement(By.id("account-id")).sendKeys("not-an-account");
    browser.findElement(By.id("lookup")).click();
    wait(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(text("error")).contains("invalid_account_id");
  }

  @Test
  void theOperationsViewShowsReadinessRateAndQueues() throws Exception {
    browser.get(url("/console/#ops"));
    wait(10).until(d -> d.findElement(By.id("ops-ready")).getText().equals("ready"));
    wait(20).until(d -> d.findElement(By.id("ops-backlog")).getText().matches("[0-9,]+"));
    assertThat(text("ops-dlq")).matches("[0-9,]+");
    assertThat(text("ops-inflight")).matches("[0-9,]+");
    wait(15).until(d -> d.findElement(By.id("ops-rate")).getText().matches("[0-9.]+"));
    screenshot("operations");
  }

  // ---- helpers

  /** What the service's answers count through; the epoch while it says nothing. */
  private static Instant countedThrough() {
    try {
      java.net.http.HttpResponse<String> answer = stack.http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/v1/accounts/" + ACCOUNT + "/usage?consistent=true"))
          .header("Authorization", "Bearer " + KEY).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      String through = new io.vertx.core.json.JsonObject(answer.body()).getString("countedThrough");
      return through == null ? Instant.EPOCH : Instant.parse(through);
    } catch (Exception e) {
      return Instant.EPOCH;
    }
  }

  private static void lookUp(String account) {
    browser.get(url("/console/#account"));
    browser.findElement(By.id("account-id")).sendKeys(account);
    browser.findElement(By.id("lookup")).click();
    enterKey(KEY);
  }

  /** Enters the key if the console asks for it, then waits for the view to have loaded. */
  private static void enterKey(String key) {
    wait(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-panel")));
    browser.findElement(By.id("key-input")).sendKeys(key);
    browser.findElement(By.id("key-save")).click();
    if (browser.getCurrentUrl().contains("#account")) {
      wait(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("account-result")));
    } else {
      wait(10).until(ExpectedConditions.invisibilityOfElementLocated(By.id("key-panel")));
    }
  }

  private static void setDate(String id, LocalDate date) {
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "document.getElementById(arguments[0]).value = arguments[1]", id, date.toString());
  }

  private static long bytesOf(String id) {
    return Long.parseLong(browser.findElement(By.id(id)).getAttribute("data-bytes"));
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static WebDriverWait wait(int seconds) {
    // A table the page has just replaced leaves stale rows behind: look again.
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private static void screenshot(String name) throws Exception {
    Path dir = Path.of(System.getProperty("logmeter.screenshots", "target/console-screenshots"));
    Files.createDirectories(dir);
    Files.write(dir.resolve("console-" + name + ".png"),
        ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
