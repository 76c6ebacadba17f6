package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage of local volumes through the real server: status.usage and the metrics follow what is
 * written into a volume's directory (within a few percent of {@code du -sb}); a volume over its
 * size is OverCapacity when nothing enforces the size; a deleted volume loses its metric lines;
 * measurements that fail change nothing of the volume and never open the driver's breaker;
 * and idle volumes make no status writes, with the measurements kept within the node's budget
 * whatever the number of volumes.
 */
class VolumeUsageIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long MIB = 1L << 20;
  private static final int CALLS_PER_SECOND = 4;
  private static final JsonObject RUNEFILE = new JsonObject()
      // enforcement none whatever file system the test's directory is on: OverCapacity is that mode's.
      .put("storage", new JsonObject().put("usageInterval", "1s").put("usageCallsPerSecond", CALLS_PER_SECOND)
          .put("drivers", new JsonObject().put("local", new JsonObject().put("enforcement", "none"))))
      .put("controller", new JsonObject().put("resyncInterval", "1s"));
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() {
    server = TestServer.external("usage", RUNEFILE);
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void usageInStatusAndMetricsFollowsWhatIsWrittenWithinAFewPercentOfDu() throws Exception {
    Path dir = createAvailable("usage", "data", "64Mi");
    write(dir.resolve("first.bin"), 5 * MIB);
    JsonObject usage = awaitUsageLike("usage", "data", dir);
    assertThat(usage.getLong("usedBytes")).isBetween(5 * MIB, 5 * MIB + MIB / 10);
    assertThat(usage.getLong("capacityBytes")).isPositive();
    assertThat(Instant.parse(usage.getString("observedAt"))).isBefore(Instant.now().plusSeconds(1));
    assertThat(usage.getString("enforcement")).isEqualTo("none");

    Files.createDirectories(dir.resolve("sub"));
    write(dir.resolve("sub/second.bin"), 20 * MIB);
    usage = awaitUsageLike("usage", "data", dir);
    assertThat(usage.getLong("usedBytes")).isBetween(25 * MIB, 25 * MIB + MIB / 10);
    JsonObject measured = usage;
    await().atMost(WAIT).untilAsserted(() -> {
      String metrics = metrics();
      assertThat(gauge(metrics, "rune_volume_used_bytes", "usage", "data")).isEqualTo(measured.getLong("usedBytes"));
      assertThat(gauge(metrics, "rune_volume_capacity_bytes", "usage", "data"))
          .isEqualTo(measured.getLong("capacityBytes"));
    });
  }

  @Test
  void aVolumeOverItsSizeIsOverCapacityWhenNothingEnforcesItUntilItFallsBack() throws Exception {
    Path dir = createAvailable("usage", "tiny", "1Mi");
    Path big = dir.resolve("big.bin");
    write(big, 3 * MIB);
    JsonObject status = awaitStatus("usage", "tiny", s -> s.getJsonObject("usage") != null
        && s.getJsonObject("usage").getLong("usedBytes") >= 3 * MIB);
    assertThat(status.getJsonObject("usage").getString("enforcement")).isEqualTo("none");
    JsonObject condition = status.getJsonArray("conditions").getJsonObject(0);
    assertThat(condition.getString("type")).isEqualTo("OverCapacity");
    assertThat(condition.getString("status")).isEqualTo("True");
    assertThat(condition.getString("reason")).isEqualTo("UsageOverSize");
    assertThat(condition.getString("message")).isEqualTo("uses " + status.getJsonObject("usage").getLong("usedBytes")
        + " bytes of its 1048576-byte size; the local driver's enforcement is none, so nothing stops it");
    assertThat(condition.getString("lastTransitionAt")).isNotNull();

    Files.delete(big);
    JsonObject under = awaitStatus("usage", "tiny", s -> s.getJsonObject("usage").getLong("usedBytes") == 0);
    assertThat(under.containsKey("conditions")).isFalse();
    assertThat(under.getString("phase")).isEqualTo("Available");
  }

  @Test
  void deletingAVolumeRemovesItsMetricLines() throws Exception {
    Path dir = createAvailable("usage", "doomed", "8Mi");
    write(dir.resolve("some.bin"), 2 * MIB);
    await().atMost(WAIT).until(() -> gauge(metrics(), "rune_volume_used_bytes", "usage", "doomed") == 2 * MIB);
    assertThat(gauge(metrics(), "rune_volume_capacity_bytes", "usage", "doomed")).isPositive();

    assertThat(admin.delete("/api/v1/namespaces/usage/volumes/doomed").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/usage/volumes/doomed").status() == 404);
    await().atMost(WAIT).until(() -> !metrics().contains("name=\"doomed\""));
  }

  @Test
  void failingMeasurementsChangeNothingOfTheVolumeAndNeverOpenTheDriversBreaker() throws Exception {
    // Enough volumes that their first failed measurements alone (8, at the budget's 4 a second) would
    // open a breaker that counted them.
    for (int i = 0; i < 7; i++) {
      create("broken", "b" + i, "4Mi");
    }
    Path dir = createAvailable("broken", "steady", "8Mi");
    write(dir.resolve("some.bin"), MIB);
    JsonObject before = awaitStatus("broken", "steady", s -> s.getJsonObject("usage") != null
        && s.getJsonObject("usage").getLong("usedBytes") == MIB);
    await().atMost(WAIT).until(() -> server.sqlRows("SELECT count(*) AS n FROM objects WHERE kind = 'Volume'"
        + " AND namespace = 'broken' AND status::jsonb ? 'usage'").get(0).getLong("n") == 8);
    // The whole volume root unusable (a file in its place): every local call fails, blaming the backend,
    // which is what opens a breaker (5 such failures within 10 s by default).
    Path root = server.config().storage().localVolumeRoot();
    Path away = root.resolveSibling(root.getFileName() + ".away");
    Files.move(root, away);
    try {
      Files.writeString(root, "in the way");
      double from = counter(metrics(), "rune_volume_usage_measurements_total");
      await().atMost(WAIT).until(() -> counter(metrics(), "rune_volume_usage_measurements_total") >= from + 8);
      String metrics = metrics();
      assertThat(metrics).containsPattern("rune_driver_circuit_state\\{[^}]*driver=\"local\"[^}]*} 0.0");
      assertThat(metrics).doesNotContainPattern(
          "rune_driver_circuit_transitions_total\\{[^}]*driver=\"local\"[^}]*state=\"open\"[^}]*} [1-9]");
      JsonObject during = admin.get("/api/v1/namespaces/broken/volumes/steady").json().getJsonObject("status");
      assertThat(during.getString("phase")).isEqualTo("Available");
      assertThat(during.getString("reason")).isEqualTo(before.getString("reason"));
      assertThat(during.getInteger("attempts")).isEqualTo(before.getInteger("attempts"));
      assertThat(during.containsKey("nextAttemptAt")).isFalse();
      assertThat(during.getJsonObject("usage")).isEqualTo(before.getJsonObject("usage"));
    } finally {
      Files.deleteIfExists(root);
      Files.move(away, root);
    }
    write(dir.resolve("more.bin"), 2 * MIB);
    awaitStatus("broken", "steady", s -> s.getJsonObject("usage").getLong("usedBytes") == 3 * MIB);
  }

  @Test
  void idleVolumesMakeNoUsageWritesAndMeasurementsStayWithinTheBudget() throws Exception {
    int volumes = 40;
    for (int i = 0; i < volumes; i++) {
      create("idle", "v" + i, "4Mi");
    }
    // Every volume measured and written once (40 volumes at 4 calls a second: about 10 s).
    await().atMost(Duration.ofSeconds(120)).until(() -> server.sqlRows(
        "SELECT count(*) AS n FROM objects WHERE kind = 'Volume' AND namespace = 'idle'"
            + " AND status::jsonb ? 'usage'").get(0).getLong("n") == volumes);
    long writesBefore = changeLogRows();
    double callsBefore = counter(metrics(), "rune_volume_usage_measurements_total");
    Instant from = Instant.now();
    // Several refresh periods (the period stretched to 40 / 4 = 10 s): no status write at all.
    await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20))
        .until(() -> changeLogRows() == writesBefore);
    double calls = counter(metrics(), "rune_volume_usage_measurements_total") - callsBefore;
    double seconds = Duration.between(from, Instant.now()).toMillis() / 1000.0;
    System.out.printf("VolumeUsageIT idle: %d volumes, %.0f measurements in %.1f s (budget %d/s), %d status writes%n",
        volumes, calls, seconds, CALLS_PER_SECOND, changeLogRows() - writesBefore);
    // Measurements go on, at the budget's rate, not at 40 volumes every 1 s interval (40 a second).
    assertThat(calls).as("measurements in %.1f s", seconds)
        .isGreaterThanOrEqualTo(CALLS_PER_SECOND * seconds / 2)
        .isLessThanOrEqualTo(CALLS_PER_SECOND * seconds + 2);
  }

  private static long changeLogRows() {
    return server.sqlRows("SELECT count(*) AS n FROM change_log WHERE kind = 'Volume'").get(0).getLong("n");
  }

  private static void create(String namespace, String name, String size) {
    Http.Response created = admin.post("/api/v1/namespaces/" + namespace + "/volumes", new JsonObject()
        .put("name", name).put("size", size).put("storageClassName", "local"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  /** Creates a local volume and gives its directory once it is Available. */
  private static Path createAvailable(String namespace, String name, String size) {
    create(namespace, name, size);
    JsonObject status = awaitStatus(namespace, name, s -> "Available".equals(s.getString("phase")));
    Path dir = server.config().storage().localVolumeRoot().resolve(status.getString("handle"));
    assertThat(dir).isDirectory();
    return dir;
  }

  private static JsonObject awaitStatus(String namespace, String name,
      java.util.function.Predicate<JsonObject> condition) {
    JsonObject[] seen = new JsonObject[1];
    await().atMost(WAIT).until(() -> {
      seen[0] = admin.get("/api/v1/namespaces/" + namespace + "/volumes/" + name).json().getJsonObject("status");
      return condition.test(seen[0]);
    });
    return seen[0];
  }

  /** Waits for status.usage.usedBytes within 3% of what {@code du -sb} says of the directory. */
  private static JsonObject awaitUsageLike(String namespace, String name, Path dir) {
    JsonObject status = awaitStatus(namespace, name, s -> {
      JsonObject usage = s.getJsonObject("usage");
      long du = du(dir);
      return usage != null && Math.abs(usage.getLong("usedBytes") - du) <= du * 0.03;
    });
    return status.getJsonObject("usage");
  }

  private static long du(Path dir) {
    try {
      Process du = new ProcessBuilder("du", "-sb", dir.toString()).redirectErrorStream(true).start();
      String out = new String(du.getInputStream().readAllBytes()).trim();
      assertThat(du.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(du.exitValue()).as(out).isZero();
      return Long.parseLong(out.split("\\s+")[0]);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, long bytes) throws IOException {
    byte[] block = new byte[(int) MIB];
    Random random = new Random(bytes);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < bytes; done += block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, bytes - done));
      }
    }
  }

  private static String metrics() {
    return admin.get("/metrics").body();
  }

  /** A gauge's value for the volume; -1 when it has no line. */
  private static long gauge(String metrics, String name, String namespace, String volume) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") && line.contains("namespace=\"" + namespace + "\"")
          && line.contains("name=\"" + volume + "\"")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static double counter(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
    assertThat(m.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(m.group(2));
  }
}
