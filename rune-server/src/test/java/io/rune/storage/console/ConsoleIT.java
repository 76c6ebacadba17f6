package io.rune.storage.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.FileTrees;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.SteppedCopy;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The web console in a real headless Chromium against a real server, through the contract proxy. */
class ConsoleIT {
  /**
   * The snapshot's copy is held mid-way by the test ({@link SteppedCopy}), so it need not be
   * long: small files, each its own copy call, so that the copy can be stopped between two.
   */
  private static final long LARGE = 1L << 20;
  private static final int SMALL_FILES = 4_000;
  private static final int FILES_PER_DIRECTORY = 1_000;
  private static final Duration COPY_WAIT = Duration.ofSeconds(60);
  @RegisterExtension
  static final ConsoleBrowser browser = ConsoleBrowser.onNewServer("console");
  private static final TestServer server = browser.server();
  private static final Http admin = server.admin();
  private static final Path root = server.config().storage().localVolumeRoot();

  @Test
  void theTokenTypedIntoTheFormIsKeptInSessionStorageOnlyAndSignOutForgetsIt() {
    browser.driver().get(server.baseUrl() + "/ui/");
    browser.script("sessionStorage.clear()");
    browser.driver().navigate().refresh();
    browser.until(() -> browser.first(By.id("token")), "the sign-in form").sendKeys("not-a-token");
    browser.driver().findElement(By.cssSelector("button.sign-in")).click();
    String refusal = server.anonymous().withToken("not-a-token").get("/api/v1/whoami").json()
        .getJsonObject("error").getString("message");
    browser.until(() -> refusal.equals(browser.driver().findElement(By.cssSelector(".sign-in-form .error")).getText())
        ? refusal : null, "the server's 401 words on the form");
    assertThat(browser.script("return sessionStorage.getItem('rune.token')")).isNull();

    browser.signIn(server.adminToken());
    assertThat(browser.script("return sessionStorage.getItem('rune.token')")).isEqualTo(server.adminToken());
    assertThat(browser.script("return document.cookie")).isEqualTo("");
    assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
    assertThat(browser.driver().getCurrentUrl()).doesNotContain(server.adminToken());
    assertThat(browser.driver().findElement(By.cssSelector("header .role")).getText()).isEqualTo("admin");
    assertThat(browser.driver().findElement(By.cssSelector("header .namespaces")).getText()).isEqualTo("all namespaces");

    browser.driver().findElement(By.cssSelector("button.sign-out")).click();
    browser.until(() -> browser.first(By.id("token")), "the sign-in form after signing out");
    assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
    assertThat(browser.driver().getCurrentUrl()).doesNotContain(server.adminToken());
  }

  @Test
  void aVolumeMadeThroughTheApiAppearsWithinASecondTurnsAvailableAndItsDetailListsItsChanges() {
    browser.signIn(server.adminToken());
    browser.go("#/volumes");
    Http.Response created = admin.post("/api/v1/namespaces/live/volumes",
        new JsonObject().put("name", "appears").put("size", "1Gi"));
    long answeredAt = System.currentTimeMillis();
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    long seenAt = Long.parseLong(browser.attribute("tr.row[data-key='live/appears']", "data-seen-at"));
    System.out.printf("console: a volume made through the API appeared %d ms after the POST answered%n",
        seenAt - answeredAt);
    assertThat(seenAt - answeredAt).as("ms from the POST's answer to the row").isLessThanOrEqualTo(1000);
    browser.untilPhase("live/appears", "Available");

    browser.click("tr.row[data-key='live/appears'] a.name-link");
    // Read in one script: the table is redrawn when the volume changes.
    @SuppressWarnings("unchecked")
    List<List<String>> changes = browser.until(() -> {
      List<List<String>> rows = (List<List<String>>) browser.script("return [...document.querySelectorAll("
          + "'table.changes tr.change')].map(r => [...r.querySelectorAll('td')].map(td => td.textContent))");
      return rows.size() >= 2 && "Available".equals(rows.get(0).get(3)) ? rows : null;
    }, "recent changes up to Available in the detail view");
    assertThat(changes).extracting(c -> c.get(0)).last().isEqualTo("ADDED");
    assertThat(changes).extracting(c -> Long.parseLong(c.get(1))).as("newest first")
        .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(browser.driver().findElement(By.cssSelector(".detail-summary")).getText()).contains("1Gi");
  }

  @Test
  void aSnapshotTakenInTheConsoleShowsItsProgressEndsReadyAndRestoresToTheSameFiles() throws Exception {
    assertThat(admin.post("/api/v1/namespaces/copies/volumes", new JsonObject().put("name", "big").put("size", "8Gi"))
        .status()).isEqualTo(201);
    Path data = root.resolve(awaitPhase("volumes", "copies", "big", "Available").getString("handle"));
    FileTrees.populate(data, LARGE);
    byte[] small = new byte[4 << 10];
    for (int i = 0; i < SMALL_FILES; i++) {
      Path many = Files.createDirectories(data.resolve("many/d-" + i / FILES_PER_DIRECTORY));
      small[0] = (byte) i;
      Files.write(many.resolve("f-" + i), small);
    }
    Map<String, String> original = FileTrees.fingerprint(data);
    long bytes = LARGE + (long) SMALL_FILES * small.length;
    browser.signIn(server.adminToken());
    // Every value the snapshot's bar takes, recorded in the page as it changes.
    browser.script("window.progressSeen = [];"
        + "new MutationObserver(() => document.querySelectorAll(\"tr[data-key='copies/nightly'] progress\")"
        + ".forEach(p => window.progressSeen.push(Number(p.getAttribute('aria-valuenow')))))"
        + ".observe(document.body, {subtree: true, childList: true, attributes: true});");

    browser.go("#/volumes/copies/big/snapshot");
    browser.submitDialog(Map.of("name", "nightly"), true);
    try (SteppedCopy copy = SteppedCopy.stopped(ProcessHandle.current(), COPY_WAIT)) {
      long written = copy.stepUntilWritten(bytes / 4, COPY_WAIT);
      assertThat(written).as("the held copy is mid-way").isLessThan(bytes);
      browser.go("#/snapshots");
      // The bar shows the held copy's progress: the driver samples it, the controller writes it.
      browser.until(() -> progressSeen().stream().anyMatch(v -> v.longValue() > 0 && v.longValue() < 100)
          ? Boolean.TRUE : null, "a value of the bar strictly between 0 and 100");
    }
    browser.untilPhase("copies/nightly", "Ready");
    List<Number> seen = progressSeen();
    System.out.printf("console: snapshot progress seen %s%n", seen);
    assertThat(seen).as("the bar's values while copying").anySatisfy(v -> assertThat(v.longValue()).isStrictlyBetween(0L, 100L));
    assertThat(seen).as("the bar's values never go back").extracting(Number::longValue).isSorted();

    browser.go("#/snapshots/copies/nightly/restore");
    browser.submitDialog(Map.of("name", "big-again"), true);
    browser.go("#/volumes");
    browser.untilPhase("copies/big-again", "Available");
    Path copy = root.resolve(admin.get("/api/v1/namespaces/copies/volumes/big-again").json()
        .getJsonObject("status").getString("handle"));
    assertThat(FileTrees.fingerprint(copy)).isEqualTo(original);
  }

  @SuppressWarnings("unchecked")
  private static List<Number> progressSeen() {
    return (List<Number>) browser.script("return window.progressSeen");
  }

  @Test
  void aReadonlyTokenGetsNoDeleteButtonAndADeleteTypedAsARouteShowsTheServersRefusal() {
    assertThat(admin.post("/api/v1/namespaces/guarded/volumes", new JsonObject().put("name", "keep").put("size", "1Gi"))
        .status()).isEqualTo(201);
    awaitPhase("volumes", "guarded", "keep", "Available");
    Http reader = server.client("readonly");
    browser.signIn(reader.token());
    browser.go("#/volumes");
    browser.untilPhase("guarded/keep", "Available");
    assertThat(browser.driver().findElement(By.cssSelector("header .role")).getText()).isEqualTo("readonly");
    assertThat(browser.driver().findElements(By.cssSelector(".action-delete, .action-create, .action-snapshot")))
        .as("write buttons offered to a readonly token").isEmpty();

    browser.go("#/storageclasses");
    browser.until(() -> browser.row("local"), "the local class's row");
    assertThat(browser.driver().findElements(By.cssSelector(".action-delete"))).as("class deletes offered").isEmpty();

    browser.go("#/volumes/guarded/keep/delete");
    WebElement question = browser.until(() -> browser.first(By.cssSelector(".dialog .consequence")), "the confirmation");
    assertThat(question.getText()).startsWith("Delete volume guarded/keep?");
    browser.click(".dialog button.confirm");
    String words = browser.dialogError();
    Http.Response refused = reader.delete("/api/v1/namespaces/guarded/volumes/keep");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(words).isEqualTo(refused.json().getJsonObject("error").getString("message"));
    assertThat(admin.get("/api/v1/namespaces/guarded/volumes/keep").json().getJsonObject("status")
        .getString("phase")).isEqualTo("Available");
  }

  @Test
  void deletingFromTheConsoleNamesWhatGoesAndTheRowLeaves() {
    assertThat(admin.post("/api/v1/namespaces/gone/volumes", new JsonObject().put("name", "scratch").put("size", "1Gi")
        .put("reclaimPolicy", "delete")).status()).isEqualTo(201);
    browser.signIn(server.adminToken());
    browser.go("#/volumes");
    browser.untilPhase("gone/scratch", "Available");
    browser.click("tr.row[data-key='gone/scratch'] .action-delete");
    WebElement question = browser.until(() -> browser.first(By.cssSelector(".dialog .consequence")), "the confirmation");
    assertThat(question.getText()).isEqualTo("Delete volume gone/scratch? Its data is deleted with it.");
    browser.click(".dialog button.confirm");
    browser.until(() -> browser.row("gone/scratch") == null ? Boolean.TRUE : null, "the row to leave");
    await().atMost(ConsoleBrowser.WAIT).until(() -> admin.get("/api/v1/namespaces/gone/volumes/scratch").status() == 404);
  }

  @Test
  void theCreateFormShowsARefusalInTheServersWordsAndCreatesOnceTheInputIsRight() {
    browser.signIn(server.adminToken());
    browser.go("#/volumes/new");
    browser.until(() -> browser.first(By.cssSelector(".dialog select.field-storageClassName option[value='local']")),
        "the classes in the create form");
    browser.submitDialog(Map.of("namespace", "formed", "name", "by-hand", "size", "5GB"), false);
    String words = browser.dialogError();
    Http.Response refused = admin.post("/api/v1/namespaces/formed/volumes",
        new JsonObject().put("name", "by-hand").put("size", "5GB").put("accessMode", "ReadWriteOnce"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(words).isEqualTo(refused.json().getJsonObject("error").getString("message"));
    assertThat(browser.driver().findElement(By.cssSelector(".dialog .error-field")).getText())
        .isEqualTo("field: " + refused.errorField());

    browser.submitDialog(Map.of("size", "5Gi"), true);
    browser.untilPhase("formed/by-hand", "Available");
    assertThat(admin.get("/api/v1/namespaces/formed/volumes/by-hand").json().getString("size")).isEqualTo("5Gi");
  }

  @Test
  void theLiveStreamResumesAfterTheServerRestarts() {
    browser.signIn(server.adminToken());
    browser.go("#/volumes");
    long framesBefore = browser.number("return window.runeConsoleStats.framesApplied");
    server.restart();
    assertThat(admin.post("/api/v1/namespaces/after/volumes", new JsonObject().put("name", "restart").put("size", "1Gi"))
        .status()).isEqualTo(201);
    browser.untilPhase("after/restart", "Available");
    assertThat(browser.number("return window.runeConsoleStats.framesApplied")).isGreaterThan(framesBefore);
    assertThat(browser.script("return sessionStorage.getItem('rune.token')")).isEqualTo(server.adminToken());
  }

  /**
   * A failure that goes on: the token is deleted while the page watches, so every reconnect is
   * refused (401 at the upgrade). The page must keep to its backoff (1, 2, 4, 8 s ... up to 30 s),
   * not reconnect in a loop.
   */
  @Test
  void aWatchWhoseTokenIsDeletedReconnectsOnItsBackoffNotInALoop() {
    Http user = server.client("readwrite");
    browser.signIn(user.token());
    browser.go("#/volumes");
    browser.untilTrue("the watch open", "return window.runeConsoleStats.socketsOpenedAt.length >= 1");
    int before = (int) browser.number("return window.runeConsoleStats.socketsOpenedAt.length");
    String id = user.get("/api/v1/whoami").json().getString("tokenId");
    assertThat(admin.delete("/api/v1/tokens/" + id).status()).isEqualTo(204);

    // Three refused reconnects after the close take 1 + 2 + 4 s on the backoff: enough to see it double twice.
    @SuppressWarnings("unchecked")
    List<Number> opened = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(
        () -> (List<Number>) browser.script("return window.runeConsoleStats.socketsOpenedAt"),
        list -> list.size() >= before + 3);
    List<Long> gaps = new ArrayList<>();
    for (int i = before; i < opened.size(); i++) {
      gaps.add(opened.get(i).longValue() - opened.get(i - 1).longValue());
    }
    System.out.printf("console: reconnects after the token was deleted, ms apart: %s%n", gaps);
    // The first gap includes the time the socket stayed open before the deletion closed it.
    for (int i = 1; i < 3; i++) {
      assertThat(gaps.get(i)).as("gap %d of %s: twice the one before (backoff), less timer slack", i, gaps)
          .isGreaterThanOrEqualTo((1000L << i) - 100);
    }
    assertThat(opened).as("sockets opened in all").hasSizeLessThanOrEqualTo(before + 4);
  }

  @Test
  void theNodesPageListsThisServerAsReady() {
    browser.signIn(server.adminToken());
    browser.go("#/nodes");
    browser.untilPhase(server.node(), "Ready");
  }

  private static JsonObject awaitPhase(String plural, String ns, String name, String phase) {
    return await().atMost(ConsoleBrowser.WAIT).until(() -> admin.get("/api/v1/namespaces/" + ns + "/" + plural + "/" + name)
        .json().getJsonObject("status"), s -> s != null && phase.equals(s.getString("phase")));
  }
}
