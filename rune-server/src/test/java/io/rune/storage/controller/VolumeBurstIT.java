package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A thousand volumes created in one burst all become Available, each with its directory,
 * with no event loop ever blocked (the NoBlockedEventLoops extension fails the class
 * otherwise).
 */
class VolumeBurstIT {
  private static final int VOLUMES = 1000;

  @Test
  void aThousandVolumesInOneBurstAllBecomeAvailable() throws Exception {
    try (TestServer server = TestServer.external("burst")) {
      Http admin = server.admin();
      ExecutorService clients = Executors.newFixedThreadPool(16);
      try {
        var sent = IntStream.range(0, VOLUMES).mapToObj(i -> clients.submit(() -> admin.post(
            "/api/v1/namespaces/burst/volumes", new JsonObject().put("name", "v" + i).put("size", "1Gi")).status()))
            .toList();
        for (Future<Integer> status : sent) {
          assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(201);
        }
      } finally {
        clients.shutdown();
      }
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> Integer.parseInt(
          server.sqlValue("SELECT count(*) FROM objects WHERE kind = 'Volume' AND namespace = 'burst'"
              + " AND status ->> 'phase' = 'Available'")) == VOLUMES);
      Path namespaceDir = server.config().storage().localVolumeRoot().resolve("burst");
      assertThat(countDirectories(namespaceDir)).isEqualTo(VOLUMES);
    }
  }

  private static long countDirectories(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).count();
    }
  }
}
