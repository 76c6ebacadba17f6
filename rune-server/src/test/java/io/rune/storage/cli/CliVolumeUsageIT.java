package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Usage in the CLI, run as a process against a real server: {@code rune volume list -o wide}
 * shows USED and CAPACITY ({@code -} for a volume whose driver measures nothing), and
 * {@code rune volume describe} shows the usage and the conditions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliVolumeUsageIT {
  private static final long MIB = 1L << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private TestServer server;
  private Http admin;
  private RuneProcess rune;

  @BeforeAll
  void start() {
    server = TestServer.external("cli-usage", new JsonObject()
        .put("storage", new JsonObject().put("usageInterval", "1s").put("usageCallsPerSecond", 10)));
    admin = server.admin();
    rune = RuneProcess.as(TestServer.tempDir("cli-usage-home"),
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void wideListShowsUsedAndCapacityAndDescribeShowsUsageAndConditions() throws IOException {
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "unmeasured")
        .put("driver", FaultyDriverProvider.NAME)).status()).isEqualTo(201);
    create("data", "local", "64Mi");
    create("tiny", "local", "1Mi");
    create("cloudy", "unmeasured", "1Gi");
    Files.write(directoryOf("data").resolve("five.bin"), new byte[(int) (5 * MIB)]);
    Files.write(directoryOf("tiny").resolve("three.bin"), new byte[(int) (3 * MIB)]);
    JsonObject data = awaitUsage("data", 5 * MIB);
    JsonObject tiny = awaitUsage("tiny", 3 * MIB);
    String capacity = Sizes.bytes(data.getJsonObject("usage").getLong("capacityBytes"));

    List<List<String>> table = rune.run("volume", "list", "-o", "wide", "-n", "shop").ok().lines().stream()
        .map(line -> Arrays.asList(line.trim().split("\\s+"))).toList();
    List<String> header = table.get(0);
    assertThat(header).contains("USED", "CAPACITY");
    int used = header.indexOf("USED");
    int cap = header.indexOf("CAPACITY");
    assertThat(row(table, "data").get(used)).isEqualTo("5Mi");
    assertThat(row(table, "data").get(cap)).isEqualTo(capacity);
    assertThat(row(table, "tiny").get(used)).isEqualTo("3Mi");
    assertThat(row(table, "cloudy").get(used)).isEqualTo("-");
    assertThat(row(table, "cloudy").get(cap)).isEqualTo("-");

    List<String> described = rune.run("volume", "describe", "data", "-n", "shop").ok().lines();
    String enforcement = data.getJsonObject("usage").getString("enforcement", "not reported by the driver");
    assertThat(described).anySatisfy(line -> assertThat(line).matches("Usage: +5Mi / " + capacity.replace(".", "\\.")
        + " \\(\\d+\\.\\d%\\)"));
    assertThat(described).anySatisfy(line -> assertThat(line).matches("  Enforcement: +" + enforcement));
    assertThat(described).anySatisfy(line -> assertThat(line).matches("  Observed: +"
        + data.getJsonObject("usage").getString("observedAt") + " \\(.* ago\\)"));
    int conditions = described.indexOf("Conditions:");
    assertThat(conditions).isPositive();
    assertThat(described.get(conditions + 1).trim()).isEqualTo("<none>");

    List<String> over = rune.run("volume", "describe", "tiny", "-n", "shop").ok().lines();
    int section = over.indexOf("Conditions:");
    assertThat(section).isPositive();
    if ("none".equals(tiny.getJsonObject("usage").getString("enforcement"))) {
      assertThat(over.get(section + 1)).contains("TYPE", "STATUS", "REASON", "SINCE", "MESSAGE");
      assertThat(over.get(section + 2)).contains("OverCapacity", "True", "UsageOverSize",
          "uses 3145728 bytes of its 1048576-byte size");
    } else {
      assertThat(over.get(section + 1).trim()).isEqualTo("<none>");
    }
  }

  private void create(String name, String className, String size) {
    Http.Response created = admin.post("/api/v1/namespaces/shop/volumes", new JsonObject().put("name", name)
        .put("size", size).put("storageClassName", className));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private Path directoryOf(String name) {
    JsonObject[] status = new JsonObject[1];
    await().atMost(WAIT).until(() -> {
      status[0] = admin.get("/api/v1/namespaces/shop/volumes/" + name).json().getJsonObject("status");
      return "Available".equals(status[0].getString("phase"));
    });
    return server.config().storage().localVolumeRoot().resolve(status[0].getString("handle"));
  }

  private JsonObject awaitUsage(String name, long bytes) {
    JsonObject[] status = new JsonObject[1];
    await().atMost(WAIT).until(() -> {
      status[0] = admin.get("/api/v1/namespaces/shop/volumes/" + name).json().getJsonObject("status");
      JsonObject usage = status[0].getJsonObject("usage");
      return usage != null && usage.getLong("usedBytes") == bytes;
    });
    return status[0];
  }

  private static List<String> row(List<List<String>> table, String name) {
    return table.stream().filter(r -> r.get(0).equals(name)).findFirst().orElseThrow(() ->
        new AssertionError("no row " + name + " in " + table));
  }
}
