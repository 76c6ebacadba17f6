package io.rune.storage.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.config.ConfigException;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How Secrets are kept: encrypted in their own table under the key file, which is made on
 * first boot, kept across restarts and refused when others may read it; and what the
 * server's reader does when the stored ciphertext was tampered with.
 */
class SecretStorageIT {
  private static final String TOKEN = "dop_v1_" + UUID.randomUUID().toString().replace("-", "");
  private static final String OTHER = "other-" + UUID.randomUUID();

  @Test
  void theDatabaseHoldsNoValueInTheClear() {
    try (TestServer server = TestServer.external("secrets-rows")) {
      JsonObject created = create(server.admin(), "prod", "do", TOKEN);
      String uid = created.getString("uid");
      assertThat(server.sqlValue("SELECT count(*) FROM objects WHERE kind = 'Secret'"
          + " AND (spec::text || status::text || body::text) LIKE '%" + TOKEN + "%'")).isEqualTo("0");
      assertThat(server.sqlValue("SELECT spec::text FROM objects WHERE uid = '" + uid + "'")).isEqualTo("{}");
      assertThat(server.sqlValue("SELECT count(*) FROM change_log WHERE object::text LIKE '%" + TOKEN + "%'"))
          .isEqualTo("0");
      assertThat(server.sqlValue("SELECT count(*) FROM change_log WHERE kind = 'Secret'")).isEqualTo("1");
      assertThat(server.sqlValue("SELECT length(box) FROM secret_values WHERE uid = '" + uid + "'"))
          .as("format byte, nonce, the values as JSON, tag").isEqualTo(String.valueOf(1 + 12 + 16
              + ("{\"token\":\"" + TOKEN + "\"}").length()));
      assertThat(server.sqlValue("SELECT position(convert_to('" + TOKEN + "', 'UTF8') IN box) FROM secret_values"
          + " WHERE uid = '" + uid + "'")).isEqualTo("0");
      assertThat(server.sqlValue("SELECT position(convert_to('" + TOKEN.substring(0, 12) + "', 'UTF8') IN box)"
          + " FROM secret_values WHERE uid = '" + uid + "'")).isEqualTo("0");
    }
  }

  @Test
  void alteredOrMovedCiphertextFailsCleanlyAndAPutRepairsIt() {
    try (TestServer server = TestServer.external("secrets-tamper")) {
      Http admin = server.admin();
      JsonObject a = create(admin, "prod", "a", TOKEN);
      JsonObject b = create(admin, "prod", "b", OTHER);
      SecretValues reader = server.secretValues();
      assertThat(TestServer.await(reader.value("prod", "a", "token"))).isEqualTo(TOKEN);

      server.sql("UPDATE secret_values SET box = set_byte(box, 20, get_byte(box, 20) # 1) WHERE uid = $1",
          UUID.fromString(a.getString("uid")));
      assertThat(unreadable(server, "a")).contains("Secret prod/a cannot be read: its stored ciphertext fails"
          + " authentication");
      assertThat(admin.get("/api/v1/namespaces/prod/secrets/a").status()).as("key names still read").isEqualTo(200);

      JsonObject current = admin.get("/api/v1/namespaces/prod/secrets/a").json();
      Http.Response repaired = admin.put("/api/v1/namespaces/prod/secrets/a",
          current.put("data", new JsonObject().put("token", TOKEN)));
      assertThat(repaired.status()).as(repaired.body()).isEqualTo(200);
      assertThat(TestServer.await(reader.value("prod", "a", "token"))).isEqualTo(TOKEN);

      // b's box in a's row: a valid ciphertext, but sealed for another secret.
      server.sql("UPDATE secret_values SET box = (SELECT box FROM secret_values WHERE uid = $2) WHERE uid = $1",
          UUID.fromString(a.getString("uid")), UUID.fromString(b.getString("uid")));
      assertThat(unreadable(server, "a")).contains("fails authentication").doesNotContain(OTHER);
      assertThat(TestServer.await(reader.value("prod", "b", "token"))).isEqualTo(OTHER);

      server.sql("UPDATE secret_values SET key_id = 'ffffffffffffffff' WHERE uid = $1",
          UUID.fromString(b.getString("uid")));
      assertThat(unreadable(server, "b")).contains("encrypted under key ffffffffffffffff");
    }
  }

  @Test
  void theKeyFileIsMadePrivateOnFirstBootAndKeptAcrossRestarts() throws IOException {
    try (TestServer server = TestServer.external("secrets-restart")) {
      Path keyFile = server.dataDir().resolve("secret.key");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
      String key = Files.readString(keyFile);
      assertThat(Base64.getDecoder().decode(key.strip())).hasSize(32);
      create(server.admin(), "prod", "do", TOKEN);

      server.restart();
      assertThat(Files.readString(keyFile)).as("the same key").isEqualTo(key);
      assertThat(TestServer.await(server.secretValues().value("prod", "do", "token"))).isEqualTo(TOKEN);
      assertThat(server.admin().get("/api/v1/namespaces/prod/secrets/do").json().getJsonObject("status")
          .getJsonArray("keys")).containsExactly("token");
    }
  }

  @Test
  void aKeyFileOthersMayReadStopsTheServer() throws IOException {
    Path dataDir = TestServer.tempDir("secrets-0644");
    try {
      Path keyFile = dataDir.resolve("secret.key");
      Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
      Throwable refused = startFailure(dataDir, new JsonObject());
      assertThat(refused).isInstanceOf(ConfigException.class)
          .hasMessage("the secret key file " + keyFile + " has mode rw-r--r--: it must be readable by its owner"
              + " only; run chmod 600 " + keyFile + " (and check who may have read it)");
      assertThat(Files.readString(keyFile)).as("left as it was").startsWith("AAAA");
    } finally {
      TestServer.deleteTree(dataDir);
    }
  }

  @Test
  void aConfiguredKeyFileIsUsedAndMustExist() throws IOException {
    Path dataDir = TestServer.tempDir("secrets-configured");
    Path keys = TestServer.tempDir("secrets-keys");
    try {
      Path keyFile = keys.resolve("rune.key");
      JsonObject runefile = new JsonObject().put("secrets", new JsonObject().put("keyFile", keyFile.toString()));
      Throwable missing = startFailure(dataDir, runefile);
      assertThat(missing).isInstanceOf(ConfigException.class).hasMessageStartingWith(
          "runefile: '[secrets] keyFile' names " + keyFile + ", which does not exist; create it (head -c 32");
      assertThat(keyFile).doesNotExist();

      Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      try (TestServer server = TestServer.start(dataDir, withDatabase(runefile, "secrets-configured"))) {
        create(server.admin(), "prod", "do", TOKEN);
        assertThat(TestServer.await(server.secretValues().value("prod", "do", "token"))).isEqualTo(TOKEN);
        assertThat(dataDir.resolve("secret.key")).as("no key of its own").doesNotExist();
      }
    } finally {
      TestServer.deleteTree(dataDir);
      TestServer.deleteTree(keys);
    }
  }

  private static Throwable startFailure(Path dataDir, JsonObject runefile) {
    return catchThrowableOfType(IllegalStateException.class,
        () -> TestServer.start(dataDir, withDatabase(runefile, "secrets-refused"))).getCause();
  }

  private static JsonObject withDatabase(JsonObject runefile, String name) {
    return runefile.copy().put("store", new JsonObject().put("url", TestPostgres.newDatabaseUrl(name)));
  }

  private static String unreadable(TestServer server, String name) {
    Throwable failure = catchThrowableOfType(IllegalStateException.class,
        () -> TestServer.await(server.secretValues().value("prod", name, "token"))).getCause();
    assertThat(failure).isInstanceOf(SecretException.Unreadable.class);
    assertThat(failure.getMessage()).doesNotContain(TOKEN).doesNotContain(OTHER);
    return failure.getMessage();
  }

  private static JsonObject create(Http admin, String ns, String name, String token) {
    Http.Response created = admin.post("/api/v1/namespaces/" + ns + "/secrets", new JsonObject().put("name", name)
        .put("data", new JsonObject().put("token", token)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }
}
