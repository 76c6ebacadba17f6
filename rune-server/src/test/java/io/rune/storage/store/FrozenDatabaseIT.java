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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With the database frozen (its postmaster and every backend stopped by SIGSTOP, so that
 * connections stay open and nothing answers), every request, /readyz included, answers 503
 * within the runefile's {@code store.requestTimeout}; the writes refused meanwhile are not
 * committed when the database resumes, and after SIGCONT the server recovers by itself,
 * its pool and its change feed included.
 */
class FrozenDatabaseIT {
  private static final Duration BOUND = Duration.ofSeconds(2);
  /** Time for the answer to travel and for a loaded 2-core machine to schedule it. */
  private static final Duration MARGIN = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void answers503WithinTheBoundWhileFrozenAndRecoversAfterwards() throws Exception {
    int port = freePort();
    Path pgDir = TestServer.tempDir("frozen-pg");
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(pgDir).setPort(port).start();
    JsonObject runefile = new JsonObject().put("store", new JsonObject()
        .put("url", TestPostgres.url(port, "postgres")).put("requestTimeout", "2s"));
    try (TestServer server = TestServer.start(TestServer.tempDir("frozen"), runefile).removingOnClose()) {
      Http admin = server.admin();
      assertThat(admin.post(volumes(), volume("before")).status()).isEqualTo(201);
      // The volume controller's writes move the head too: let it finish first.
      Awaitility.await().atMost(WAIT).until(() -> "Available".equals(
          admin.get(volumes() + "/before").json().getJsonObject("status").getString("phase")));
      long head = head(admin);
      try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes&sinceSeq=" + head)) {
        assertThat(watch.next(WAIT).getString("type")).as("caught up and live").isEqualTo("BOOKMARK");
        List<ProcessHandle> frozen = freeze(pgDir);
        try {
          Http.Response write = withinBound(() -> admin.post(volumes(), volume("during")));
          assertThat(write.errorCode()).isEqualTo("StoreUnavailable");
          assertThat(write.json().getJsonObject("error").getString("message")).contains("did not answer within 2s", "nothing was changed");
          assertThat(withinBound(() -> admin.get(volumes() + "/before")).errorCode()).isEqualTo("StoreUnavailable");
          Http.Response ready = withinBound(() -> server.anonymous().get("/readyz"));
          assertThat(ready.json().getString("reason")).contains("did not answer within 2s");
          assertThat(server.anonymous().get("/healthz").status()).isEqualTo(200);
          // More requests at once than the pool has connections (8): each one still answers
          // within the bound, those waiting for a connection included.
          ExecutorService clients = Executors.newFixedThreadPool(12);
          try {
            List<Future<Http.Response>> burst = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
              String name = "burst-" + i;
              boolean read = i % 2 == 0;
              burst.add(clients.submit(() -> withinBound(() -> read ? admin.get(volumes() + "/before")
                  : admin.post(volumes(), volume(name)))));
            }
            for (Future<Http.Response> answer : burst) {
              assertThat(answer.get().errorCode()).isEqualTo("StoreUnavailable");
            }
          } finally {
            clients.shutdownNow();
          }
        } finally {
          thaw(frozen);
        }

        Awaitility.await().atMost(WAIT).until(() -> server.anonymous().get("/readyz").status() == 200);
        assertThat(admin.get(volumes() + "/during").status()).as("the refused write stays undone").isEqualTo(404);
        for (int i = 0; i < 12; i++) {
          assertThat(admin.get(volumes() + "/burst-" + i).status()).isEqualTo(404);
        }
        assertThat(head(admin)).as("no refused write moved the change-log head").isEqualTo(head);

        Http.Response after = admin.post(volumes(), volume("after"));
        assertThat(after.status()).isEqualTo(201);
        List<JsonObject> frames = watch.until(f -> !"BOOKMARK".equals(f.getString("type")), WAIT);
        JsonObject frame = frames.get(frames.size() - 1);
        assertThat(frame.getJsonObject("object").getString("name")).isEqualTo("after");
        assertThat(frame.getLong("seq")).as("the watch opened before the freeze misses nothing")
            .isEqualTo(head + 1);
      }
    } finally {
      postgres.close();
      TestServer.deleteTree(pgDir);
    }
  }

  private static Http.Response withinBound(Supplier<Http.Response> request) {
    long start = System.nanoTime();
    Http.Response response = request.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(response.status()).as("answered %s", response.body()).isEqualTo(503);
    assertThat(took).as("answered within the bound and a margin").isLessThan(BOUND.plus(MARGIN));
    return response;
  }

  /**
   * Stops the postmaster and then every process under it: the backends serving the pool's
   * open connections would otherwise go on answering.
   */
  private static List<ProcessHandle> freeze(Path pgDir) throws IOException, InterruptedException {
    long pid = Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> processes = new ArrayList<>();
    processes.add(postmaster);
    signal("-STOP", postmaster);
    for (ProcessHandle child : postmaster.descendants().toList()) {
      processes.add(child);
      signal("-STOP", child);
    }
    return processes;
  }

  private static void thaw(List<ProcessHandle> processes) throws IOException, InterruptedException {
    for (ProcessHandle process : processes) {
      signal("-CONT", process);
    }
  }

  private static void signal(String signal, ProcessHandle process) throws IOException, InterruptedException {
    new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
  }

  private static String volumes() {
    return "/api/v1/namespaces/frozen/volumes";
  }
}
