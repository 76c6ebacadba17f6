package io.rune.storage.drivers.local;

/** The conformance suite in btrfs mode, on a btrfs file system. */
class BtrfsModeConformanceTest extends EnforcedConformanceTest {
  BtrfsModeConformanceTest() {
    super("btrfs", "btrfs");
  }
}
