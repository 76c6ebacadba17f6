package io.rune.storage.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the local and local-host drivers as a user sees them through the real server:
 * the reason is the driver's word, the message says what to do and never names a Java
 * class, and a broken volume is its own fault: it never opens the breaker of its driver, so
 * healthy volumes created beside it are never told the driver is unavailable.
 */
class DriverFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A Java exception's class name, which must never reach a user. */
  private static final Pattern JAVA_CLASS = Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)\\b");
  private static final int BLOCKED = 4;
  private static final int HEALTHY = 8;

  private static Path allowed;
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() throws Exception {
    allowed = Files.createDirectories(TestServer.tempDir("driver-faults").toRealPath().resolve("srv"));
    // Two backend failures would open a breaker for long enough that any healthy volume
    // provisioned meanwhile would be told so.
    server = TestServer.external("faults", new JsonObject()
        .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")
            .put("resyncInterval", "500ms"))
        .put("drivers", new JsonObject().put("breakerMaxFailures", 2).put("breakerResetTimeout", "60s"))
        .put("storage", new JsonObject().put("hostPathAllowlist", new JsonArray().add(allowed.toString()))));
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aLocalVolumeBlockedByAFileFailsWithTheDriversWordAndHealthyNeighboursNeverSeeTheDriverUnavailable()
      throws Exception {
    Path root = server.config().storage().localVolumeRoot();
    Path inTheWay = Files.createDirectories(root).resolve("blocked");
    Files.writeString(inTheWay, "a file where the namespace's directory goes");
    Set<String> healthyAvailable = new HashSet<>();
    Set<String> blockedFailed = new HashSet<>();
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes")) {
      for (int i = 0; i < HEALTHY; i++) {
        if (i < BLOCKED) {
          create("blocked", "db-" + i);
        }
        create("healthy", "db-" + i);
      }

      List<JsonObject> frames = watch.until(frame -> {
        JsonObject object = frame.getJsonObject("object", new JsonObject());
        JsonObject status = object.getJsonObject("status", new JsonObject());
        String key = object.getString("namespace") + "/" + object.getString("name");
        if ("Available".equals(status.getString("phase")) && key.startsWith("healthy/")) {
          healthyAvailable.add(key);
        }
        if ("Failed".equals(status.getString("phase")) && key.startsWith("blocked/")) {
          blockedFailed.add(key);
        }
        return healthyAvailable.size() == HEALTHY && blockedFailed.size() == BLOCKED;
      }, WAIT);

      assertThat(frames).as("no volume was ever told the driver is unavailable").noneSatisfy(
          frame -> assertThat(status(frame).getString("reason")).isEqualTo("DriverUnavailable"));
    }
    for (int i = 0; i < BLOCKED; i++) {
      JsonObject status = volume("blocked", "db-" + i);
      assertThat(status.getString("phase")).isEqualTo("Failed");
      assertThat(status.getString("reason")).as(status.encode()).isEqualTo("PathBlocked");
      assertThat(status.getString("message")).contains(inTheWay + " is a file, not a directory; move it away")
          .doesNotContain("FileAlreadyExists").doesNotContainPattern(JAVA_CLASS);
    }
    assertThat(breakerTransitions("local", "open")).as("the local breaker never opened").isZero();
    assertThat(inTheWay).hasContent("a file where the namespace's directory goes");
  }

  /**
   * A local-host volume in use whose host directory is swapped for a symbolic link: its
   * attach is refused in words, again and again as it is retried, and the refusals are the
   * volume's fault alone (the local-host breaker stays closed).
   */
  @Test
  void aLocalHostDirectorySwappedForASymlinkIsRefusedInWordsAndBlamedOnTheVolume() throws Exception {
    Path dir = Files.createDirectories(allowed.resolve("app-data"));
    Path other = Files.createDirectories(allowed.resolve("other"));
    assertThat(admin.post("/api/v1/namespaces/hosts/volumes", new JsonObject().put("name", "data").put("size", "1Gi")
        .put("storageClassName", "local-host").put("hostPath", dir.toString())).status()).isEqualTo(201);
    Http.Response cast = admin.post("/api/v1/namespaces/hosts/services", new JsonObject().put("name", "app")
        .put("scale", 1).put("volumes", new JsonArray().add(new JsonObject().put("name", "data")
            .put("mountPath", "/srv").put("claim", new JsonObject().put("name", "data")))));
    assertThat(cast.status()).as(cast.toString()).isEqualTo(201);
    await().atMost(WAIT).until(() -> replica().getString("phase"), "Ready"::equals);

    Files.move(dir, allowed.resolve("app-data.moved"));
    Files.createSymbolicLink(dir, other);
    assertThat(admin.post("/api/v1/namespaces/hosts/services/app/replicas/0/report", new JsonObject()
        .put("phase", "Failed").put("message", "container exited")).status()).isEqualTo(200);

    JsonObject refused = await().atMost(WAIT).until(() -> volume("hosts", "data"),
        s -> s.getString("message", "").contains("symbolic link"));
    assertThat(refused.getString("message")).contains("host directory " + dir + " now leads to " + other
        + " through a symbolic link", "put the directory back").doesNotContainPattern(JAVA_CLASS);
    // Retried with backoff: more refusals than it takes to open a breaker that counted them.
    JsonObject retried = await().atMost(WAIT).until(DriverFaultsIT::replica, r -> r.getInteger("mountAttempts", 0) > 3);
    assertThat(retried.getString("message")).contains("symbolic link").doesNotContainPattern(JAVA_CLASS);
    assertThat(breakerTransitions("local-host", "open")).as("the local-host breaker never opened").isZero();
  }

  private static void create(String namespace, String name) {
    Http.Response created = admin.post("/api/v1/namespaces/" + namespace + "/volumes", new JsonObject()
        .put("name", name).put("size", "1Gi"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private static JsonObject volume(String namespace, String name) {
    return admin.get("/api/v1/namespaces/" + namespace + "/volumes/" + name).json().getJsonObject("status");
  }

  private static JsonObject replica() {
    JsonArray replicas = admin.get("/api/v1/namespaces/hosts/services/app").json().getJsonObject("status")
        .getJsonArray("replicas", new JsonArray());
    return replicas.isEmpty() ? new JsonObject() : replicas.getJsonObject(0);
  }

  private static JsonObject status(JsonObject frame) {
    return frame.getJsonObject("object", new JsonObject()).getJsonObject("status", new JsonObject());
  }

  private static double breakerTransitions(String driver, String state) {
    Matcher m = Pattern.compile("rune_driver_circuit_transitions_total\\{[^}]*driver=\"" + Pattern.quote(driver)
        + "\"[^}]*state=\"" + state + "\"[^}]*} ([0-9.]+)").matcher(admin.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
