package io.rune.storage.store;

import io.rune.storage.testing.FreePorts;
import io.rune.storage.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/** What the tests of a database outage share: a port for their own PostgreSQL, the head, a volume. */
final class OutageTests {
  private OutageTests() {}

  static int freePort() throws IOException {
    return FreePorts.next();
  }

  /** The change-log head, as a list's resourceVersion. */
  static long head(Http admin) {
    return Long.parseLong(admin.get("/api/v1/storageclasses").json().getString("resourceVersion"));
  }

  static JsonObject volume(String name) {
    return new JsonObject().put("name", name).put("size", "1Gi");
  }
}
