package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** rune watch outlives a server restart: it reconnects after the last change it showed, losing none. */
class CliWatchResumeIT {
  private static final Duration LINE = Duration.ofSeconds(60);
  private final Path home = TestServer.tempDir("cli-resume-home");
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    TestServer.deleteTree(home);
  }

  @Test
  void aWatchResumesAfterARestartWithEveryChangeOnceAndInOrder() throws IOException {
    int port = RunedProcess.freePort();
    server = TestServer.external("cli-resume", new JsonObject()
        .put("server", new JsonObject().put("listen", "127.0.0.1:" + port)));
    Http admin = server.admin();
    RuneProcess rune = RuneProcess.as(home,
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
    try (RuneProcess.Running watch = rune.start("watch", "volumes", "-n", "resume")) {
      watch.awaitLine(line -> line.startsWith("SEQ"), LINE);
      create(admin, "before");
      watch.awaitLine(line -> line.matches("\\d+\\s+MODIFIED\\s+volume/before\\s+Available"), LINE);

      server.restart();
      assertThat(server.port()).isEqualTo(port);
      create(admin, "after");
      watch.awaitLine(line -> line.matches("\\d+\\s+MODIFIED\\s+volume/after\\s+Available"), LINE);
      assertThat(watch.isAlive()).isTrue();

      List<String> rows = watch.seen().stream().skip(1).toList();
      List<Long> seqs = rows.stream().map(row -> Long.parseLong(row.split("\\s+")[0])).toList();
      assertThat(seqs).as("%s", rows).isSorted().doesNotHaveDuplicates();
      assertThat(rows).filteredOn(row -> row.contains("ADDED")).hasSize(2);
    }
  }

  private static void create(Http admin, String name) {
    assertThat(admin.post("/api/v1/namespaces/resume/volumes", new JsonObject().put("name", name).put("size", "1Gi"))
        .status()).isEqualTo(201);
  }
}
