package io.rune.storage.api;

import io.rune.storage.testing.TestServer;

/** The CRUD suite against an external PostgreSQL given by URL. */
class ResourceCrudExternalIT extends ResourceCrudTests {
  @Override
  protected TestServer startServer() {
    return TestServer.external("crud");
  }
}
