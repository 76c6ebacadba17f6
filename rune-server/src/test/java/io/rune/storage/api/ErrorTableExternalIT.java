package io.rune.storage.api;

import io.rune.storage.testing.TestServer;

/** The error table against an external PostgreSQL given by URL. */
class ErrorTableExternalIT extends ErrorTableTests {
  @Override
  protected TestServer startServer() {
    return TestServer.external("errors", runefile(TestServer.tempDir("errors-host")));
  }
}
