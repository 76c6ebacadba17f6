package io.rune.storage.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The console with 1,000 volumes: the time until the Volumes page shows them all, the time to
 * apply a burst of 500 changes, and the longest main-thread task meanwhile.
 */
class ConsoleScaleIT {
  private static final int VOLUMES = 1000;
  private static final int BURST = 500;
  private static final int NAMESPACES = 4;
  private static final int BATCH = 50;
  private static final Path SCREENSHOT = Path.of("rune-server/target/console-volumes-1000.png");
  @RegisterExtension
  static final ConsoleBrowser browser = ConsoleBrowser.onNewServer("console-scale");
  private static final TestServer server = browser.server();
  private static final Http admin = server.admin();


  @Test
  void aThousandVolumesRenderAndABurstOfFiveHundredChangesIsAppliedWithoutFreezingThePage() {
    apply(VOLUMES, i -> Map.of("tier", i % 3 == 0 ? "gold" : "silver"));
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
        admin.get("/api/v1/volumes?limit=1000&fieldSelector=status.phase=Available").items().size() == VOLUMES);

    long openedAt = System.currentTimeMillis();
    browser.signIn(server.adminToken());
    browser.go("#/volumes");
    browser.untilTrue("all 1,000 volumes listed and drawn",
        "const c = document.querySelector('.page-volumes .count'); return !!c && c.textContent === arguments[0]",
        VOLUMES + " of " + VOLUMES);
    long renderMs = System.currentTimeMillis() - openedAt;
    long drawnAfterListsMs = browser.number("return window.runeConsoleStats.lastRenderAt - window.runeConsoleStats.listedAt");
    assertThat(browser.driver().findElements(By.cssSelector(".page-volumes tr.row")).size())
        .as("only the rows in view are drawn").isBetween(10, 80);

    // The burst: 500 label changes in one apply (500 entries of the change log), watched
    // through a label filter so the count says when the page has applied and drawn all of them.
    browser.script("const f = document.querySelector('.filter-labels'); f.value = 'burst=1';"
        + " f.dispatchEvent(new Event('input'));");
    browser.untilTrue("the filter applied", "return document.querySelector('.page-volumes .count').textContent"
        + " === arguments[0]", "0 of " + VOLUMES);
    long appliedBefore = browser.number("return window.runeConsoleStats.framesApplied");
    long burstAt = System.currentTimeMillis();
    apply(BURST, i -> Map.of("tier", i % 3 == 0 ? "gold" : "silver", "burst", "1"));
    long storedAt = System.currentTimeMillis();
    browser.untilTrue("the burst applied and drawn", "return document.querySelector('.page-volumes .count').textContent"
        + " === arguments[0]", BURST + " of " + VOLUMES);
    // The page's part: from the moment every change is stored (the applies answered) to drawn.
    long burstMs = System.currentTimeMillis() - storedAt;
    long storingMs = storedAt - burstAt;
    long applied = browser.number("return window.runeConsoleStats.framesApplied") - appliedBefore;

    browser.script("const f = document.querySelector('.filter-labels'); f.value = '';"
        + " f.dispatchEvent(new Event('input'));");
    browser.untilTrue("the filter cleared", "return document.querySelector('.page-volumes .count').textContent"
        + " === arguments[0]", VOLUMES + " of " + VOLUMES);
    browser.screenshot(SCREENSHOT);
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) browser.script("return window.runeConsoleStats");
    double longestTask = ((Number) stats.get("longestTaskMs")).doubleValue();
    double maxGap = ((Number) stats.get("maxFrameGapMs")).doubleValue();
    System.out.printf("console at %d volumes: all rendered %d ms after opening (the lists took %s ms); a burst of %d changes (stored by"
        + " the server in %d ms) applied and drawn %d ms after the last was stored (%d frames); longest task %.0f ms; longest gap between frames %.0f ms;"
        + " renders %s, longest render %.1f ms; screenshot %s%n", VOLUMES, renderMs, stats.get("listMs"), BURST, storingMs, burstMs, applied,
        longestTask, maxGap, stats.get("renders"), ((Number) stats.get("maxRenderMs")).doubleValue(), SCREENSHOT);
    System.out.printf("console at %d volumes: page marks %s, longest tasks %s, load average %s%n", VOLUMES,
        stats.get("marks"), stats.get("longTasks"), loadAverage());
    assertThat(applied).as("frames applied by the burst").isGreaterThanOrEqualTo(BURST);
    // The page's own part of the first render (from the lists answered to 1,000 rows known and
    // drawn) is what says it did not freeze; the whole, sign-in and the server's lists included,
    // is printed and only held to a bound a loaded machine still meets.
    System.out.printf("console at %d volumes: drawn %d ms after the lists answered%n", VOLUMES, drawnAfterListsMs);
    assertThat(drawnAfterListsMs).as("ms from the lists answered to 1,000 volumes drawn").isLessThanOrEqualTo(1000);
    assertThat(renderMs).as("ms from opening the page to 1,000 volumes drawn").isLessThanOrEqualTo(15_000);
    assertThat(burstMs).as("ms from the burst stored to applied and drawn").isLessThanOrEqualTo(5000);
    // 110-160 ms on this machine at a load of 8-9; the bound leaves room for a CI machine whose two
    // cores also run three test forks (1,023 ms was seen once at a load of 17.8). That the page
    // draws only the rows in view is asserted above, without a clock.
    assertThat(longestTask).as("longest main-thread task, ms").isLessThanOrEqualTo(2000);
  }

  /**
   * Volumes v-0000 … in NAMESPACES namespaces, created or updated by applies of BATCH documents
   * sent at once (one apply of all would be one transaction longer than the store's timeout).
   */
  private static void apply(int count, IntFunction<Map<String, String>> labels) {
    ExecutorService senders = Executors.newFixedThreadPool(3);
    try {
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int from = 0; from < count; from += BATCH) {
        JsonArray documents = new JsonArray();
        for (int i = from; i < Math.min(count, from + BATCH); i++) {
          documents.add(new JsonObject().put("volume", new JsonObject().put("name", String.format("v-%04d", i))
              .put("namespace", "team-" + (i % NAMESPACES)).put("size", "1Gi")
              .put("labels", new JsonObject(Map.<String, Object>copyOf(labels.apply(i))))));
        }
        answers.add(senders.submit(() -> applyOnce(documents.encode())));
      }
      for (Future<Http.Response> answer : answers) {
        Http.Response response = answer.get();
        assertThat(response.status()).as(response.body().substring(0, Math.min(500, response.body().length())))
            .isEqualTo(200);
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    } finally {
      senders.shutdownNow();
    }
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** One apply; a 503 (the store's timeout on a busy machine: nothing was changed) is sent again. */
  private static Http.Response applyOnce(String documents) {
    Http.Response response = admin.send("POST", "/api/v1/apply", documents, "application/json");
    for (int attempt = 1; response.status() == 503 && attempt < 4; attempt++) {
      response = admin.send("POST", "/api/v1/apply", documents, "application/json");
    }
    return response;
  }
}
