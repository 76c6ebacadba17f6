package io.rune.storage.controller;

import static io.rune.storage.testing.RunedProcess.awaitReady;
import static io.rune.storage.testing.RunedProcess.freePort;
import static io.rune.storage.testing.RunedProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A real runed process that dies on the spot at a failpoint (Runtime.halt, as SIGKILL or a
 * power cut would leave it), then starts again on its data: the volume converges with
 * exactly one directory, and a deleted one leaves none.
 */
class VolumeCrashIT {

  @Test
  void killedBetweenTheDriverCallAndTheStatusUpdateConvergesToOneDirectoryAndAvailable() throws Exception {
    Node node = new Node("crash-after");
    node.crashWhile("volume.afterProvision", http -> createUntilHalted(http, "db"));
    assertThat(node.row("db").getJsonObject("status").getString("phase")).isEqualTo("Provisioning");
    assertThat(node.directoriesOf("db")).as("the driver made the directory before the crash").hasSize(1);

    node.runWithoutFailpoints(http -> {
      await().atMost(Duration.ofSeconds(60)).until(() -> "Available".equals(phase(http, "db")));
      assertThat(node.directoriesOf("db")).hasSize(1);
    });
  }

  @Test
  void killedAfterRecordingTheAttemptBeforeTheDriverCallProvisionsOnRestart() throws Exception {
    Node node = new Node("crash-before");
    node.crashWhile("volume.beforeProvision", http -> createUntilHalted(http, "db"));
    assertThat(node.directoriesOf("db")).isEmpty();
    node.runWithoutFailpoints(http -> {
      await().atMost(Duration.ofSeconds(60)).until(() -> "Available".equals(phase(http, "db")));
      assertThat(node.directoriesOf("db")).hasSize(1);
    });
  }

  @Test
  void killedAfterTheDriverDeletedTheStorageRemovesTheRowOnRestart() throws Exception {
    Node node = new Node("crash-delete");
    node.runWithoutFailpoints(http -> {
      create(http, "scratch", "delete");
      await().atMost(Duration.ofSeconds(60)).until(() -> "Available".equals(phase(http, "scratch")));
    });
    assertThat(node.directoriesOf("scratch")).hasSize(1);
    node.crashWhile("volume.afterDelete", http -> {
      // The controller acts on the stored deletion at once, on another thread, so the halt may
      // come before the answer is written: either way the deletion was stored, which the
      // directory gone and the 404 after the restart show.
      try {
        assertThat(http.delete("/api/v1/namespaces/crash/volumes/scratch").status()).isEqualTo(200);
      } catch (IllegalStateException cutByTheHalt) {
        assertThat(cutByTheHalt).hasMessageContaining("received no bytes");
      }
    });
    assertThat(node.directoriesOf("scratch")).isEmpty();
    node.runWithoutFailpoints(http -> await().atMost(Duration.ofSeconds(60))
        .until(() -> http.get("/api/v1/namespaces/crash/volumes/scratch").status() == 404));
    assertThat(node.directoriesOf("scratch")).isEmpty();
  }

  private static void create(Http http, String name, String reclaimPolicy) {
    Http.Response created = http.post("/api/v1/namespaces/crash/volumes", new JsonObject().put("name", name)
        .put("size", "1Gi").put("reclaimPolicy", reclaimPolicy));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  /**
   * Creates a volume on a node armed to halt while provisioning it. The controller starts from
   * the stored volume at once (from the object the change feed brings, no read first), on
   * another thread, so the halt may come before the answer is written: either way the volume
   * was stored, which its row and its phase after the restart show.
   */
  private static void createUntilHalted(Http http, String name) {
    try {
      create(http, name, "retain");
    } catch (IllegalStateException cutByTheHalt) {
      assertThat(cutByTheHalt).hasMessageContaining("received no bytes");
    }
  }

  private static String phase(Http http, String name) {
    return http.get("/api/v1/namespaces/crash/volumes/" + name).json().getJsonObject("status").getString("phase");
  }

  private interface WithServer {
    void run(Http http) throws Exception;
  }

  /** One dev-mode runed home, started and killed as a test needs. */
  private static final class Node {
    private final Path home;
    private final int port;
    private Http lastClient;

    Node(String name) throws IOException {
      home = TestServer.tempDir(name);
      port = freePort();
    }

    /** Starts runed with the failpoint armed, does {@code work}, and waits for the process to halt. */
    void crashWhile(String failpoint, WithServer work) throws Exception {
      Process runed = start("-Drune.failpoints=" + failpoint);
      try {
        work.run(lastClient);
        assertThat(runed.waitFor(60, TimeUnit.SECONDS)).as("runed halted at " + failpoint).isTrue();
        assertThat(runed.exitValue()).isEqualTo(137);
        assertThat(RunedProcess.log(runed)).contains("Failpoint " + failpoint + " reached");
      } finally {
        runed.destroyForcibly();
        runed.waitFor(60, TimeUnit.SECONDS);
      }
    }

    void runWithoutFailpoints(WithServer work) throws Exception {
      Process runed = start("");
      try {
        work.run(lastClient);
      } finally {
        stop(runed);
      }
    }

    /**
     * The volume as the crashed server left it, read straight from its database: the halted
     * process left its embedded PostgreSQL running, as SIGKILL would.
     */
    JsonObject row(String name) throws Exception {
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      try {
        io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(
            io.vertx.pgclient.PgConnectOptions.fromUri(TestPostgres.embeddedUrl(home.resolve(".rune"))))
            .using(vertx).build();
        return TestServer.await(pool.preparedQuery("SELECT body::text FROM objects WHERE kind = 'Volume'"
                + " AND namespace = 'crash' AND name = $1").execute(io.vertx.sqlclient.Tuple.of(name))
            .map(rows -> new JsonObject(rows.iterator().next().getString(0))).eventually(pool::close));
      } finally {
        TestServer.await(vertx.close());
      }
    }

    List<Path> directoriesOf(String name) throws IOException {
      Path namespaceDir = home.resolve(".rune/local-volumes/crash");
      if (!Files.isDirectory(namespaceDir)) {
        return List.of();
      }
      try (Stream<Path> entries = Files.list(namespaceDir)) {
        return entries.filter(p -> p.getFileName().toString().startsWith(name + "_")).toList();
      }
    }

    private Process start(String javaOptions) throws Exception {
      Process runed = RunedProcess.start(home, List.of("--dev-mode", "--listen", "127.0.0.1:" + port), null,
          javaOptions);
      var ready = awaitReady(runed);
      lastClient = new Http(RunedProcess.checkedBaseUrl(runed, ready),
          Files.readString(home.resolve(".rune/admin.token")).trim());
      return runed;
    }
  }
}
