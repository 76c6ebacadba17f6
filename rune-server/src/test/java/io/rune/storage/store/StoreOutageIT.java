package io.rune.storage.store;

import static io.rune.storage.store.OutageTests.freePort;
import static io.rune.storage.store.OutageTests.head;
import static io.rune.storage.store.OutageTests.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With the database stopped the API answers 503 StoreUnavailable and writes nothing; when
 * the database is back the server recovers by itself, change feed included.
 */
class StoreOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void answers503WhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
    int port = freePort();
    Path pgDir = TestServer.tempDir("outage-pg");
    EmbeddedPostgres postgres = start(pgDir, port);
    JsonObject runefile = new JsonObject().put("store", new JsonObject().put("url", TestPostgres.url(port, "postgres")));
    try (TestServer server = TestServer.start(TestServer.tempDir("outage"), runefile).removingOnClose()) {
      Http admin = server.admin();
      assertThat(admin.post(volumes(), volume("before")).status()).isEqualTo(201);
      // The volume controller's writes move the head too: let it finish first.
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> "Available".equals(
          admin.get(volumes() + "/before").json().getJsonObject("status").getString("phase")));
      long head = head(admin);
      try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes&sinceSeq=" + head)) {
        assertThat(watch.next(WAIT).getString("type")).as("caught up and live").isEqualTo("BOOKMARK");
        postgres.close();

        Http.Response refusedWrite = admin.post(volumes(), volume("during"));
        assertThat(refusedWrite.status()).isEqualTo(503);
        assertThat(refusedWrite.errorCode()).isEqualTo("StoreUnavailable");
        assertThat(admin.get(volumes() + "/before").errorCode()).isEqualTo("StoreUnavailable");
        assertThat(server.anonymous().get("/readyz").status()).isEqualTo(503);
        assertThat(server.anonymous().get("/healthz").status()).isEqualTo(200);

        postgres = start(pgDir, port);
        long deadline = System.nanoTime() + WAIT.toNanos();
        Http.Response read;
        do {
          read = admin.get(volumes() + "/before");
        } while (read.status() != 200 && System.nanoTime() < deadline);
        assertThat(read.status()).as("recovered before the deadline").isEqualTo(200);
        assertThat(admin.get(volumes() + "/during").status()).as("nothing half-written").isEqualTo(404);
        assertThat(head(admin)).isEqualTo(head);

        Http.Response after = admin.post(volumes(), volume("after"));
        assertThat(after.status()).isEqualTo(201);
        var frames = watch.until(f -> !"BOOKMARK".equals(f.getString("type")), WAIT);
        JsonObject frame = frames.get(frames.size() - 1);
        assertThat(frame.getJsonObject("object").getString("name")).isEqualTo("after");
        assertThat(server.anonymous().get("/readyz").status()).isEqualTo(200);
      }
    } finally {
      postgres.close();
      TestServer.deleteTree(pgDir);
    }
  }

  private static EmbeddedPostgres start(Path dir, int port) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
  }

  private static String volumes() {
    return "/api/v1/namespaces/outage/volumes";
  }
}
