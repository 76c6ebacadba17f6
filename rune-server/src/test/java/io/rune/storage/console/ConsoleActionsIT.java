package io.rune.storage.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console's usage bars, Retry, Detach, and the Services and StorageClasses pages, in a real
 * headless Chromium against a real server (usage measured every second), through the contract proxy.
 */
class ConsoleActionsIT {
  private static final long MIB = 1L << 20;
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("storage", new JsonObject().put("usageInterval", "1s").put("usageCallsPerSecond", 4)
          .put("drivers", new JsonObject().put("local", new JsonObject().put("enforcement", "none"))));
  /** A figure of the bar's label ("5.0 MiB"): a number rounded as the page rounds it, and its unit. */
  private static final Pattern FIGURE = Pattern.compile("([0-9.]+) (B|KiB|MiB|GiB|TiB|PiB)");
  private static final List<String> UNITS = List.of("B", "KiB", "MiB", "GiB", "TiB", "PiB");
  @RegisterExtension
  static final ConsoleBrowser browser = ConsoleBrowser.onNewServer("console-actions", RUNEFILE);
  private static final TestServer server = browser.server();
  private static final Http admin = server.admin();
  private static final Path root = server.config().storage().localVolumeRoot();

  @Test
  void theUsageBarShowsWhatIsWrittenIntoTheVolume() throws IOException {
    create("metered", "data", new JsonObject().put("size", "64Mi"));
    Path data = root.resolve(awaitPhase("metered", "data", "Available").getString("handle"));
    Files.write(data.resolve("five.bin"), new byte[(int) (5 * MIB)]);
    browser.signIn(server.adminToken());
    browser.go("#/volumes");

    JsonObject usage = await().atMost(ConsoleBrowser.WAIT).until(() -> volume("metered", "data")
        .getJsonObject("status").getJsonObject("usage"), u -> u != null && u.getLong("usedBytes") >= 5 * MIB);
    String bar = "tr.row[data-key='metered/data'] .usage";
    @SuppressWarnings("unchecked")
    Map<String, Object> shown = browser.until(() -> {
      Map<String, Object> read = (Map<String, Object>) browser.script("const b = document.querySelector(arguments[0]);"
          + " return b && {value: b.querySelector('progress').value, now: b.querySelector('progress')"
          + ".getAttribute('aria-valuenow'), label: b.querySelector('.bar-label').textContent}", bar);
      return read != null && figures((String) read.get("label")).get(0) >= 5 * MIB - MIB / 10 ? read : null;
    }, "the usage bar at 5 MiB");
    System.out.printf("console: usage %s shown as %s%n", usage.encode(), shown);

    // With enforcement none the driver's capacity is the file system's; the bar compares with
    // the volume's own 64Mi, which is what the user asked it to hold.
    long size = 64 * MIB;
    double percent = 100.0 * usage.getLong("usedBytes") / size;
    assertThat(((Number) shown.get("value")).doubleValue()).isCloseTo(percent, within(percent * 1e-6));
    assertThat(Long.parseLong((String) shown.get("now"))).isEqualTo(Math.round(percent));
    String label = (String) shown.get("label");
    assertThat(label).endsWith(" · none");
    List<Double> figures = figures(label);
    assertThat(figures.get(0)).as("used, in " + label).isCloseTo(usage.getLong("usedBytes"), within(rounding(label, 0)));
    assertThat(figures.get(1)).as("the volume's size, in " + label).isCloseTo(size, within(rounding(label, 1)));

    // Past its size (nothing stops it in mode none): the server's OverCapacity turns the bar red and full.
    Files.write(data.resolve("seventy.bin"), new byte[(int) (70 * MIB)]);
    String over = browser.until(() -> (String) browser.script("const b = document.querySelector(arguments[0]);"
        + " return b && b.classList.contains('over') ? b.querySelector('progress').getAttribute('aria-valuenow') : null",
        bar), "the usage bar marked over the volume's size");
    assertThat(over).isEqualTo("100");
    assertThat(volume("metered", "data").getJsonObject("status").getJsonArray("conditions").getJsonObject(0)
        .getString("type")).isEqualTo("OverCapacity");
  }

  @Test
  void aFailedVolumeShowsItsReasonAndRetryStartsItOverUntilItFailsAgain() {
    Http.Response made = admin.post("/api/v1/storageclasses", new JsonObject().put("name", "refuses")
        .put("driver", FaultyDriverProvider.NAME).put("reclaimPolicy", "delete")
        .put("parameters", new JsonObject().put("failFirst", "always").put("failWith", "INVALID_CONFIG")));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    String uid = create("broken", "doomed", new JsonObject().put("size", "1Gi").put("storageClassName", "refuses"))
        .getString("uid");
    JsonObject failed = awaitPhase("broken", "doomed", "Failed");
    browser.signIn(server.adminToken());
    browser.go("#/volumes");
    browser.untilPhase("broken/doomed", "Failed");
    String trouble = browser.until(() -> browser.row("broken/doomed").findElement(By.cssSelector(".trouble")).getText(),
        "the reason in the row");
    assertThat(trouble).isEqualTo(failed.getString("reason") + ": " + failed.getString("message"));

    browser.click("tr.row[data-key='broken/doomed'] .action-retry");
    WebElement question = browser.until(() -> browser.first(By.cssSelector(".dialog .consequence")), "the confirmation");
    assertThat(question.getText()).isEqualTo("Retry volume broken/doomed? Its attempts start again from the first.");
    browser.click(".dialog button.confirm");
    browser.untilDialogCloses();
    await().atMost(ConsoleBrowser.WAIT).until(() -> FaultyDriver.provisionCalls(uid).size() == 2);

    browser.click("tr.row[data-key='broken/doomed'] a.name-link");
    // The detail's recent changes, oldest first: Failed, then Pending from the retry, then Failed again.
    List<String> seen = browser.until(() -> {
      @SuppressWarnings("unchecked")
      List<String> phases = (List<String>) browser.script("return [...document.querySelectorAll("
          + "'table.changes tr.change td:nth-child(4)')].map(td => td.textContent).reverse()");
      int first = phases.indexOf("Failed");
      int retried = phases.subList(first + 1, phases.size()).indexOf("Pending") + first + 1;
      return first >= 0 && retried > first && phases.subList(retried, phases.size()).contains("Failed")
          && "Failed".equals(phases.get(phases.size() - 1)) ? phases : null;
    }, "Failed, Pending after the retry, and Failed again in the recent changes");
    System.out.printf("console: recent changes of a retried volume, oldest first: %s%n", seen);
    assertThat(browser.driver().findElement(By.cssSelector(".detail-head .trouble")).getText())
        .startsWith(failed.getString("reason") + ": ");
  }

  @Test
  void detachingABoundVolumeShowsTheRefusalWithoutForceAndReleasesItWithForce() {
    create("bound", "claimed", new JsonObject().put("size", "1Gi"));
    awaitPhase("bound", "claimed", "Available");
    createService("bound", "api", "claimed", "/srv");
    awaitPhase("bound", "claimed", "Bound");
    browser.signIn(server.adminToken());
    browser.go("#/volumes");
    browser.untilPhase("bound/claimed", "Bound");

    browser.click("tr.row[data-key='bound/claimed'] .action-detach");
    WebElement question = browser.until(() -> browser.first(By.cssSelector(".dialog .consequence")), "the confirmation");
    assertThat(question.getText()).isEqualTo(
        "Detach volume bound/claimed? A Bound volume is taken from under its replicas only with force.");
    browser.click(".dialog button.confirm");
    String words = browser.dialogError();
    Http.Response refused = admin.post("/api/v1/namespaces/bound/volumes/claimed/detach", new JsonObject());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(words).isEqualTo(refused.json().getJsonObject("error").getString("message"));
    assertThat(volume("bound", "claimed").getJsonObject("status").getString("phase")).isEqualTo("Bound");

    browser.click(".dialog input.force");
    browser.click(".dialog button.confirm");
    browser.untilDialogCloses();
    browser.untilPhase("bound/claimed", "Released");
    assertThat(volume("bound", "claimed").getJsonObject("status").getBoolean("detachRequested")).isTrue();
  }

  @Test
  void theServicesAndStorageClassesPagesListWhatExistsAndAReadwriteTokenGetsNoClassDelete() {
    create("shop", "cart-data", new JsonObject().put("size", "1Gi"));
    awaitPhase("shop", "cart-data", "Available");
    createService("shop", "cart", "cart-data", "/var/lib/cart");
    browser.signIn(server.adminToken());
    browser.go("#/services");
    WebElement replica = browser.until(() -> {
      WebElement pill = browser.row("shop/cart").findElement(By.cssSelector(".replicas .pill"));
      return "Ready".equals(pill.getText()) ? pill : null;
    }, "the cart service's replica Ready");
    assertThat(replica.getAttribute("class")).contains("phase-Ready");
    assertThat(cells("shop/cart")).containsSubsequence("shop", "cart", "1", "Ready", "data→/var/lib/cart");

    browser.go("#/storageclasses");
    browser.until(() -> browser.row("local"), "the local class's row");
    assertThat(cells("local")).containsSubsequence("local", "local", "default");
    assertThat(browser.row("local").findElements(By.cssSelector(".action-delete"))).as("admin's delete").hasSize(1);

    browser.signIn(server.client("readwrite").token());
    browser.go("#/storageclasses");
    browser.until(() -> browser.row("local"), "the local class's row for a readwrite token");
    assertThat(browser.driver().findElement(By.cssSelector("header .role")).getText()).isEqualTo("readwrite");
    assertThat(browser.driver().findElements(By.cssSelector(".action-delete"))).as("class deletes offered").isEmpty();
  }

  /** A row's cells' texts, read in one script (rows are redrawn when their object changes). */
  @SuppressWarnings("unchecked")
  private static List<String> cells(String key) {
    return (List<String>) browser.script("return [...document.querySelector(\"tr.row[data-key='\" + arguments[0]"
        + " + \"']\").querySelectorAll('td')].map(td => td.textContent.trim())", key);
  }

  /** The byte counts a label shows ("5.0 MiB / 64 MiB · none" → 5 MiB, 64 MiB). */
  private static List<Double> figures(String label) {
    Matcher m = FIGURE.matcher(label);
    List<Double> found = new ArrayList<>();
    while (m.find()) {
      found.add(Double.parseDouble(m.group(1)) * Math.pow(1024, UNITS.indexOf(m.group(2))));
    }
    return found;
  }

  /** Half the last shown digit of the label's {@code index}th figure, in bytes: what the page's rounding may move it. */
  private static double rounding(String label, int index) {
    Matcher m = FIGURE.matcher(label);
    for (int i = 0; i <= index; i++) {
      assertThat(m.find()).as("figure " + i + " in " + label).isTrue();
    }
    double step = m.group(1).contains(".") ? 0.1 : 1;
    return step / 2 * Math.pow(1024, UNITS.indexOf(m.group(2))) + 1;
  }

  private static JsonObject create(String ns, String name, JsonObject body) {
    Http.Response created = admin.post("/api/v1/namespaces/" + ns + "/volumes", body.put("name", name));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  private static void createService(String ns, String name, String claim, String mountPath) {
    Http.Response cast = admin.post("/api/v1/namespaces/" + ns + "/services", new JsonObject().put("name", name)
        .put("scale", 1).put("volumes", new JsonArray().add(new JsonObject().put("name", "data")
            .put("mountPath", mountPath).put("claim", new JsonObject().put("name", claim)))));
    assertThat(cast.status()).as(cast.toString()).isEqualTo(201);
  }

  private static JsonObject volume(String ns, String name) {
    return admin.get("/api/v1/namespaces/" + ns + "/volumes/" + name).json();
  }

  private static JsonObject awaitPhase(String ns, String name, String phase) {
    return await().atMost(ConsoleBrowser.WAIT).until(() -> volume(ns, name).getJsonObject("status"),
        s -> s != null && phase.equals(s.getString("phase")));
  }
}
