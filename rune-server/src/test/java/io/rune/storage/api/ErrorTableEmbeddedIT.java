package io.rune.storage.api;

import io.rune.storage.testing.TestServer;
import java.nio.file.Path;

/** The error table on the server's own embedded PostgreSQL. */
class ErrorTableEmbeddedIT extends ErrorTableTests {
  @Override
  protected TestServer startServer() {
    Path dataDir = TestServer.tempDir("errors-embedded");
    Path hostDir = dataDir.resolveSibling(dataDir.getFileName() + "-host");
    return TestServer.start(dataDir, runefile(hostDir)).removingOnClose(hostDir);
  }
}
