package io.rune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;

/** The embedded default keeps everything across a stop and start on the same data directory. */
class RestartIT {

  @Test
  void objectsTokensAndOperatorEditsSurviveARestart() throws Exception {
    Path dataDir = TestServer.tempDir("restart");
    try (TestServer server = TestServer.start(dataDir, new JsonObject()).removingOnClose()) {
      Path tokenFile = dataDir.resolve("admin.token");
      assertThat(Files.getPosixFilePermissions(tokenFile))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      String token = server.adminToken();
      Http admin = server.admin();
      assertThat(admin.post("/api/v1/namespaces/prod/volumes",
          new JsonObject().put("name", "pgdata").put("size", "10Gi")).status()).isEqualTo(201);
      // Provisioned before the restart, so that the restart has nothing left to do.
      JsonObject volume = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> admin.get("/api/v1/namespaces/prod/volumes/pgdata").json(),
              v -> "Available".equals(v.getJsonObject("status").getString("phase")));
      Http.Response readonly = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly"));
      String readonlyToken = readonly.json().getString("token");
      // An operator's edit of a seeded class must outlive the seeding.
      assertThat(admin.delete("/api/v1/storageclasses/local-host").status()).isEqualTo(200);
      long headBefore = head(admin);

      server.restart();

      assertThat(server.adminToken()).as("the first admin token is written once").isEqualTo(token);
      Http again = server.admin();
      assertThat(again.get("/api/v1/namespaces/prod/volumes/pgdata").json()).isEqualTo(volume);
      assertThat(again.get("/api/v1/storageclasses/local-host").status()).isEqualTo(404);
      assertThat(again.get("/api/v1/storageclasses/local").json().getBoolean("default")).isTrue();
      assertThat(again.withToken(readonlyToken).get("/api/v1/volumes").status()).isEqualTo(200);
      assertThat(head(again)).as("a restart writes nothing").isEqualTo(headBefore);
    }
  }

  @Test
  void theEmbeddedDatabaseIsDurableAndLocal() {
    Path dataDir = TestServer.tempDir("durable");
    try (TestServer server = TestServer.start(dataDir, new JsonObject()).removingOnClose()) {
      JsonObject settings = new JsonObject();
      for (String name : new String[] {"fsync", "synchronous_commit", "full_page_writes", "listen_addresses"}) {
        settings.put(name, server.sqlValue("SELECT current_setting('" + name + "')"));
      }
      assertThat(settings).isEqualTo(new JsonObject().put("fsync", "on").put("synchronous_commit", "on")
          .put("full_page_writes", "on").put("listen_addresses", "127.0.0.1"));
      assertThat(server.sqlValue("SELECT current_setting('server_version_num')")).startsWith("17");
      assertThat(dataDir.resolve("pg/PG_VERSION")).exists();
    }
  }

  private static long head(Http admin) {
    return Long.parseLong(admin.get("/api/v1/storageclasses").json().getString("resourceVersion"));
  }
}
