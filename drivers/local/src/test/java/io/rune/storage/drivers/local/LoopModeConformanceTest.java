package io.rune.storage.drivers.local;

/** The conformance suite in loop mode, on an ext4 file system. */
class LoopModeConformanceTest extends EnforcedConformanceTest {
  LoopModeConformanceTest() {
    super("ext4", "loop");
  }
}
