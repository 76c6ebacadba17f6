package io.rune.storage.drivers.local;

import io.rune.storage.testing.LoopFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The conformance suite in an enforcement mode, on a file system of its kind the test makes and mounts. */
abstract class EnforcedConformanceTest extends LocalDriverConformanceTest {

  private final String fileSystem;
  private final String mode;
  private LoopFileSystem fs;

  EnforcedConformanceTest(String fileSystem, String mode) {
    this.fileSystem = fileSystem;
    this.mode = mode;
  }

  @Override
  Path volumeRoot(Path tmp) throws IOException {
    fs = LoopFileSystem.make(tmp, fileSystem, 256L << 20, "");
    return fs.mountPoint().resolve("volumes");
  }

  @Override
  Map<String, String> settings() {
    return Map.of("enforcement", mode);
  }

  @AfterEach
  void unmount() throws IOException {
    if (fs != null) {
      fs.close();
    }
  }
}
