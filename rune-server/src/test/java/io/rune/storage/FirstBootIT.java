package io.rune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What the first boot seeds, as [storage] defaultStorageClass says, and what the database enforces. */
class FirstBootIT {

  @Test
  void theConfiguredDefaultClassIsSeededAsDefault() {
    try (TestServer server = TestServer.external("boot-host", storage("local-host"))) {
      Http admin = server.admin();
      assertThat(admin.get("/api/v1/storageclasses/local-host").json().getBoolean("default")).isTrue();
      assertThat(admin.get("/api/v1/storageclasses/local").json().getBoolean("default")).isFalse();
    }
  }

  @Test
  void anEmptyDefaultSeedsNoDefaultAndVolumesMustNameAClass() {
    try (TestServer server = TestServer.external("boot-none", storage(""))) {
      Http admin = server.admin();
      assertThat(admin.get("/api/v1/storageclasses").items().stream()
          .filter(o -> ((JsonObject) o).getBoolean("default")).count()).isZero();
      Http.Response refused = admin.post("/api/v1/namespaces/a/volumes",
          new JsonObject().put("name", "v").put("size", "1Gi"));
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.errorField()).isEqualTo("storageClassName");
      assertThat(admin.post("/api/v1/namespaces/a/volumes",
          new JsonObject().put("name", "v").put("size", "1Gi").put("storageClassName", "local")).status())
          .isEqualTo(201);
    }
  }

  @Test
  void theDatabaseItselfRefusesASecondDefaultAndADuplicateName() {
    try (TestServer server = TestServer.external("boot-constraints")) {
      assertThatThrownBy(() -> server.sql("UPDATE objects SET spec = spec || '{\"default\": true}'"
          + " WHERE kind = 'StorageClass' AND name = 'local-host'"))
          .hasMessageContaining("objects_one_default_storage_class");
      assertThatThrownBy(() -> server.sql("INSERT INTO objects (kind, namespace, name, uid, resource_version,"
          + " spec, body, created_at, updated_at) VALUES ('StorageClass', '', 'local', gen_random_uuid(), 99, '{}',"
          + " '{}', now(), now())"))
          .hasMessageContaining("objects_pkey");
      String applied = server.sqlValue("SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations");
      server.restart();
      assertThat(server.sqlValue("SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations"))
          .as("a second boot applies no migration").isEqualTo(applied);
    }
  }

  private static JsonObject storage(String defaultClass) {
    return new JsonObject().put("storage", new JsonObject().put("defaultStorageClass", defaultClass));
  }
}
