package io.rune.storage.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium, driven through its own chromedriver (explicit paths: Selenium
 * Manager never downloads anything), pointed at a {@link TestServer}'s console. On a failed test
 * it saves a screenshot and the browser's console log under rune-server/target/console-failures/;
 * after every test it checks that log for CSP violations and uncaught errors. Registered as a
 * static extension, it quits the browser and closes its server after the test class.
 */
final class ConsoleBrowser implements AutoCloseable, TestWatcher, AfterEachCallback, AfterAllCallback {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path FAILURES = Path.of("rune-server/target/console-failures");

  private final TestServer server;
  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;
  /** The console log read so far (reading it empties the browser's buffer). */
  private final List<String> log = new ArrayList<>();

  private ConsoleBrowser(TestServer server) {
    this.server = server;
    this.profile = TestServer.tempDir("chromium-profile");
    assertThat(CHROMIUM).as("Debian's chromium (.ci/run installs it)").isExecutable();
    assertThat(CHROMEDRIVER).as("Debian's chromium-driver (.ci/run installs it)").isExecutable();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().withLogFile(profile.resolve("chromedriver.log").toFile()).build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile.resolve("data"));
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriver started;
    try {
      started = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
    driver = started;
  }

  /** A browser on a new server (its own database) named {@code name}. */
  static ConsoleBrowser onNewServer(String name) {
    return onNewServer(name, new JsonObject());
  }

  /** A browser on a new server named {@code name}, configured by {@code runefile}. */
  static ConsoleBrowser onNewServer(String name, JsonObject runefile) {
    TestServer server = TestServer.external(name, runefile);
    try {
      return new ConsoleBrowser(server);
    } catch (RuntimeException | AssertionError e) {
      server.close();
      throw e;
    }
  }

  TestServer server() {
    return server;
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Opens the console, signs out whoever was in, and signs in by typing {@code token} into the form. */
  void signIn(String token) {
    driver.get(server.baseUrl() + "/ui/");
    script("sessionStorage.clear()");
    driver.navigate().refresh();
    WebElement field = until(() -> first(By.id("token")), "the sign-in form");
    field.sendKeys(token);
    driver.findElement(By.cssSelector("button.sign-in")).click();
    until(() -> first(By.cssSelector("button.sign-out")), "signed in (the Sign out button)");
    untilTrue("the page has listed every kind", "return window.runeConsoleStats.listedAt > 0");
  }

  /** Goes to a hash route of the console, as a user typing it would. */
  void go(String hash) {
    script("location.hash = arguments[0]", hash);
  }

  Object script(String source, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(source, args);
  }

  long number(String source, Object... args) {
    return ((Number) script(source, args)).longValue();
  }

  WebElement first(By by) {
    List<WebElement> found = driver.findElements(by);
    return found.isEmpty() ? null : found.get(0);
  }

  WebElement row(String key) {
    return first(By.cssSelector("tr.row[data-key='" + key + "']"));
  }

  /** Clicks the first element {@code css} selects, once there (rows are redrawn when their object changes). */
  void click(String css) {
    until(() -> {
      driver.findElement(By.cssSelector(css)).click();
      return Boolean.TRUE;
    }, "a click on " + css);
  }

  /** An attribute of the first element {@code css} selects, once it is there. */
  String attribute(String css, String name) {
    return until(() -> (String) script("const e = document.querySelector(arguments[0]);"
        + " return e && e.getAttribute(arguments[1])", css, name), name + " of " + css);
  }

  /** Types {@code text} into the field {@code css} selects, replacing what it held. */
  void type(String css, String text) {
    WebElement field = until(() -> first(By.cssSelector(css)), css);
    field.clear();
    field.sendKeys(text);
  }

  /** Fills the open dialog's fields (by name) and confirms it; waits until it closes when {@code closes}. */
  void submitDialog(java.util.Map<String, String> fields, boolean closes) {
    fields.forEach((name, value) -> type(".dialog .field-" + name, value));
    click(".dialog button.confirm");
    if (closes) {
      untilDialogCloses();
    }
  }

  void untilDialogCloses() {
    until(() -> first(By.cssSelector(".dialog")) == null ? Boolean.TRUE : null, "the dialog to close");
  }

  /** The refusal the open dialog shows, once it shows one. */
  String dialogError() {
    return until(() -> {
      WebElement error = first(By.cssSelector(".dialog .error"));
      return error == null || error.getText().isEmpty() ? null : error.getText();
    }, "the refusal in the dialog");
  }

  /** Waits for a non-null answer, polling every 25 ms; fails naming {@code what}. */
  <T> T until(Supplier<T> probe, String what) {
    return until(probe, what, WAIT);
  }

  <T> T until(Supplier<T> probe, String what, Duration limit) {
    try {
      return Awaitility.await(what).atMost(limit).pollInterval(Duration.ofMillis(25)).pollDelay(Duration.ZERO)
          .ignoreExceptions().until(probe::get, value -> value != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + limit.toSeconds() + " s for " + what, e);
    }
  }

  /** Waits until a script answers true. */
  void untilTrue(String what, String source, Object... args) {
    until(() -> Boolean.TRUE.equals(script(source, args)) ? Boolean.TRUE : null, what);
  }

  /** The text of a row's phase pill once it says {@code phase} (with its colour class). */
  void untilPhase(String key, String phase) {
    until(() -> {
      WebElement row = row(key);
      WebElement pill = row == null ? null : row.findElement(By.cssSelector(".pill"));
      return pill != null && phase.equals(pill.getText()) && pill.getAttribute("class").contains("phase-" + phase)
          ? pill : null;
    }, key + " shown as " + phase);
  }

  /** Fails on a CSP violation or an uncaught error in the browser's console since the last check. */
  void assertCleanConsole() {
    readLog();
    List<String> bad = log.stream().filter(line -> line.contains("Content Security Policy")
        || line.contains("Refused to") || line.contains("Uncaught")).toList();
    assertThat(bad).as("CSP violations or uncaught errors in the browser console").isEmpty();
  }

  private void readLog() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      log.add(entry.getLevel() + " " + entry.getMessage());
    }
  }

  /** Saves the page as it is, to {@code file}. */
  void screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getDisplayName().replaceAll("\\W+", "");
    try {
      screenshot(FAILURES.resolve(name + ".png"));
      readLog();
      Files.write(FAILURES.resolve(name + ".console.log"), log);
      Files.writeString(FAILURES.resolve(name + ".html"), driver.getPageSource());
    } catch (RuntimeException | IOException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertCleanConsole();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      TestServer.deleteTree(profile);
      server.close();
    }
  }
}
