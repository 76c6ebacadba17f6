package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code rune volume describe} against a real server, run as a process: a volume with a schedule. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliVolumeDescribeIT {
  private TestServer server;
  private RuneProcess rune;

  @BeforeAll
  void start() {
    server = TestServer.external("cli-describe");
    rune = RuneProcess.as(TestServer.tempDir("cli-describe-home"),
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aScheduledVolumeShowsItsSpecStatusAndSchedule() {
    Http admin = server.admin();
    Http.Response created = admin.post("/api/v1/namespaces/prod/volumes", new JsonObject().put("name", "pgdata")
        .put("size", "2Gi").put("labels", new JsonObject().put("app", "pg"))
        .put("snapshotSchedule", new JsonObject().put("cron", "@daily").put("timezone", "Europe/Berlin")
            .put("retention", new JsonObject().put("keep", 7).put("maxAge", "30d"))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      JsonObject status = admin.get("/api/v1/namespaces/prod/volumes/pgdata").json().getJsonObject("status");
      return "Available".equals(status.getString("phase")) && status.getJsonObject("schedule") != null
          && status.getJsonObject("schedule").getString("nextRunAt") != null;
    });
    String next = admin.get("/api/v1/namespaces/prod/volumes/pgdata").json().getJsonObject("status")
        .getJsonObject("schedule").getString("nextRunAt");

    List<String> lines = rune.run("volume", "describe", "pgdata", "-n", "prod").ok().lines();
    assertThat(lines).contains(row("Name", "pgdata"), row("Namespace", "prod"), row("StorageClass", "local"),
        row("Size", "2Gi"), row("Labels", "app=pg"), row("Phase", "Available"),
        row("Snapshot schedule", "@daily (Europe/Berlin)"), row("  Retention", "keep 7, max age 30d"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(row("  Next run", next + " (in ")));
    assertThat(lines).noneMatch(line -> line.startsWith("  Last run:"));

    RuneProcess.Result missing = rune.run("volume", "describe", "nope", "-n", "prod");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.stderr()).contains("nope");
  }

  /** A line as describe aligns it: the values start one column after the longest label's colon. */
  private static String row(String label, String value) {
    return String.format("%-19s%s", label + ":", value);
  }
}
