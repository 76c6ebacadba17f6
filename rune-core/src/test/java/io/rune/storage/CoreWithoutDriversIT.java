package io.rune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The core names no driver: run on the core's own class path, with no driver module, the
 * server starts, seeds no class, and refuses a class of a driver it does not have, naming the
 * problem. Drivers come only from the modules on the class path.
 */
class CoreWithoutDriversIT {

  @Test
  void aServerWithNoDriverModuleStartsAndKnowsNoDriver() {
    assertThat(ServiceLoader.load(io.rune.storage.driver.DriverProvider.class).stream().count())
        .as("driver providers on rune-core's test class path").isZero();
    try (TestServer server = TestServer.external("core-without-drivers")) {
      Http admin = server.admin();
      assertThat(admin.get("/readyz").status()).isEqualTo(200);
      assertThat(admin.get("/api/v1/storageclasses").items()).as("built-in classes").isEmpty();

      Http.Response refused = admin.post("/api/v1/storageclasses",
          new JsonObject().put("name", "local").put("driver", "local"));
      assertThat(refused.status()).as("%s", refused).isEqualTo(422);
      assertThat(refused.errorField()).isEqualTo("driver");
      assertThat(refused.json().getJsonObject("error").getString("message")).contains("local");
      assertThat(admin.get("/api/v1/storageclasses/local").status()).isEqualTo(404);

      Http.Response noDefault = admin.post("/api/v1/namespaces/apps/volumes",
          new JsonObject().put("name", "data").put("size", "1Gi"));
      assertThat(noDefault.status()).as("%s", noDefault).isEqualTo(422);
      assertThat(noDefault.json().getJsonObject("error").getString("message")).contains("no default StorageClass");
    }
  }
}
