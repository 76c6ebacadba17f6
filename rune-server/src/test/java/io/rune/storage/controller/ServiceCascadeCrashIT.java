package io.rune.storage.controller;

import static io.rune.storage.testing.RunedProcess.freePort;
import static io.rune.storage.testing.RunedProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A real runed killed halfway through a cascade delete finishes it after restart, leaking nothing. */
class ServiceCascadeCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void aCascadeInterruptedByAKillFinishesAfterRestart() throws Exception {
    Path home = TestServer.tempDir("cascade-crash");
    List<String> args = List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort());
    Path namespaceDir = home.resolve(".rune/local-volumes/prod");

    Process first = RunedProcess.start(home, args, null, "");
    try {
      Http http = RunedProcess.adminClient(home, first);
      assertThat(http.post("/api/v1/namespaces/prod/services", ServicesIT.postgres(3)).status()).isEqualTo(201);
      await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/prod/services/postgres").json()
          .getJsonObject("status").getInteger("readyReplicas", 0) == 3);
      assertThat(directories(namespaceDir)).hasSize(3);
    } finally {
      stop(first);
    }

    Process second = RunedProcess.start(home, args, null, "-Drune.failpoints=" + Failpoints.DURING_CASCADE);
    try {
      Http http = RunedProcess.adminClient(home, second);
      assertThat(http.delete("/api/v1/namespaces/prod/services/postgres?cascade=true").status()).isEqualTo(200);
      assertThat(second.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("runed halted mid-cascade").isTrue();
    } finally {
      second.destroyForcibly();
      second.waitFor(60, TimeUnit.SECONDS);
    }

    Process third = RunedProcess.start(home, args, null, "");
    try {
      Http http = RunedProcess.adminClient(home, third);
      await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/prod/services/postgres").status() == 404);
      for (int i = 0; i < 3; i++) {
        int ordinal = i;
        await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/prod/volumes/pgdata-postgres-" + ordinal)
            .status() == 404);
      }
      assertThat(http.get("/api/v1/namespaces/prod/volumes").json().getJsonArray("items", new JsonArray())).isEmpty();
      assertThat(directories(namespaceDir)).as("reclaim delete removed every directory").isEmpty();
    } finally {
      stop(third);
      TestServer.deleteTree(home);
    }

  }

  private static List<Path> directories(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
  }
}
