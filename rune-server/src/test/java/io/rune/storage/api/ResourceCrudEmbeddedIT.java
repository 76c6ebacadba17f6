package io.rune.storage.api;

import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;

/** The CRUD suite on the server's own embedded PostgreSQL, the default set-up. */
class ResourceCrudEmbeddedIT extends ResourceCrudTests {
  @Override
  protected TestServer startServer() {
    return TestServer.start(TestServer.tempDir("crud-embedded"), new JsonObject()).removingOnClose();
  }
}
