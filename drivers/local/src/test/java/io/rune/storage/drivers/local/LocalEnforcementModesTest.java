package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.testing.LoopFileSystem;
import io.rune.storage.testing.LoopFileSystem.Written;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The btrfs and loop modes of the driver itself, on a file system of the right type that the
 * test makes and loop-mounts: the limit holds inside the volume, grows online, usage is the
 * kernel's, and deleting leaves no mount, image or subvolume behind. (LocalEnforcementIT does
 * the same through the server.)
 */
class LocalEnforcementModesTest extends LocalDriverFixture {

  private static final long MIB = 1 << 20;

  private final List<LocalDriver> started = new ArrayList<>();

  @ParameterizedTest
  @CsvSource({"btrfs, btrfs", "loop, ext4"})
  void aVolumeKeepsItsSizeGrowsOnlineAndLeavesNothingBehind(String mode, String fileSystem) throws Exception {
    try (LoopFileSystem fs = LoopFileSystem.make(tmp, fileSystem, 512 * MIB, "")) {
      Path volumes = fs.mountPoint().resolve("volumes");
      LocalDriver modal = started(volumes, Map.of("enforcement", mode));
      assertThat(modal.enforcement()).isEqualTo(mode);
      String uid = uid();
      String handle = await(modal.provision(CTX, sized("default", "data", uid, 64 * MIB))).handle();
      Path dir = Path.of(await(modal.attach(CTX, handle, NODE)));

      Written first = LoopFileSystem.dd(dir.resolve("fill"), 0, 100);
      assertThat(first.error()).as("dd past 64 MiB: %s", first).containsAnyOf("No space left on device",
          "Disk quota exceeded");
      assertThat(first.bytes()).as("bytes written into a 64 MiB volume").isBetween(56 * MIB, 65 * MIB);
      VolumeUsage usage = await(modal.usage(CTX, handle));
      assertThat(usage.enforcement()).isEqualTo(mode);
      assertThat(usage.usedBytes()).isBetween(first.bytes() * 97 / 100, first.bytes() * 110 / 100);
      assertThat(usage.capacityBytes()).isBetween(56 * MIB, 64 * MIB);

      await(modal.expand(CTX, handle, 128 * MIB));
      Written grown = LoopFileSystem.dd(dir.resolve("fill"), 0, 100);
      assertThat(grown.error()).as("dd of 100 MiB into a 128 MiB volume: %s", grown).isNull();
      assertThat(await(modal.usage(CTX, handle)).capacityBytes()).isGreaterThan(110 * MIB);

      await(modal.delete(CTX, handle));
      await(modal.delete(CTX, handle));
      assertThat(LoopFileSystem.mountsBelow(volumes)).isEmpty();
      assertThat(LoopFileSystem.loopDevicesBelow(volumes)).isEmpty();
      try (Stream<Path> left = Files.walk(volumes)) {
        assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"btrfs, btrfs", "loop, ext4"})
  void aPlainDirectoryMadeBeforeTheModeKeepsWorkingUnenforced(String mode, String fileSystem) throws Exception {
    try (LoopFileSystem fs = LoopFileSystem.make(tmp, fileSystem, 512 * MIB, "")) {
      Path volumes = fs.mountPoint().resolve("volumes");
      String uid = uid();
      Path plain = Files.createDirectories(volumes.resolve("default/old_" + uid));
      Files.writeString(plain.resolve("kept.txt"), "from before");
      LocalDriver modal = started(volumes, Map.of("enforcement", mode));
      String handle = await(modal.provision(CTX, sized("default", "old", uid, 64 * MIB))).handle();
      assertThat(Path.of(await(modal.attach(CTX, handle, NODE))).resolve("kept.txt")).hasContent("from before");
      VolumeUsage usage = await(modal.usage(CTX, handle));
      assertThat(usage.enforcement()).isEqualTo("none");
      assertThat(usage.capacityBytes()).isEqualTo(Files.getFileStore(volumes).getTotalSpace());
      await(modal.expand(CTX, handle, 128 * MIB));
      assertThat(LoopFileSystem.mountsBelow(volumes)).isEmpty();
      await(modal.delete(CTX, handle));
      assertThat(plain).doesNotExist();
    }
  }

  @ParameterizedTest
  @CsvSource({"btrfs, btrfs", "ext4, none"})
  void autoTakesBtrfsWithQuotasTurnedOnAndNeverLoop(String fileSystem, String mode) throws Exception {
    try (LoopFileSystem fs = LoopFileSystem.make(tmp, fileSystem, 512 * MIB, "")) {
      LocalDriver auto = started(fs.mountPoint().resolve("volumes"), Map.of());
      assertThat(auto.enforcement()).isEqualTo(mode);
      Process qgroups = new ProcessBuilder("btrfs", "qgroup", "show", fs.mountPoint().toString())
          .redirectErrorStream(true).start();
      qgroups.getInputStream().readAllBytes();
      assertThat(qgroups.waitFor() == 0).as("btrfs quotas are on").isEqualTo(mode.equals("btrfs"));
    }
  }

  @Test
  void recoveryMountsWhatARebootLostOnceAndRemovesHalfMadeImages() throws Exception {
    try (LoopFileSystem fs = LoopFileSystem.make(tmp, "ext4", 512 * MIB, "")) {
      Path volumes = fs.mountPoint().resolve("volumes");
      LocalDriver first = started(volumes, Map.of("enforcement", "loop"));
      String handle = await(first.provision(CTX, sized("default", "data", uid(), 64 * MIB))).handle();
      Path dir = volumes.resolve(handle).toRealPath();
      Files.writeString(dir.resolve("kept.txt"), "inside the image");
      // A reboot: the mount is gone; and so is the namespace directory, as if never made.
      assertThat(new ProcessBuilder("umount", dir.toString()).start().waitFor()).isZero();
      Files.delete(dir);
      Files.delete(dir.getParent());
      Path partial = volumes.resolve(".images/default/half_" + uid() + ".img.partial");
      Files.write(partial, new byte[4096]);

      for (int start = 0; start < 2; start++) {
        started(volumes, Map.of("enforcement", "loop"));
        assertThat(LoopFileSystem.mountsBelow(dir)).as("mounts of %s after start %d", dir, start).hasSize(1);
      }
      assertThat(dir.resolve("kept.txt")).hasContent("inside the image");
      assertThat(partial).doesNotExist();
    }
  }

  /** A driver on {@code volumes} with {@code settings}, recovered as at a server's start; closed after the test. */
  private LocalDriver started(Path volumes, Map<String, String> settings) {
    LocalDriver modal = driver(volumes, settings);
    started.add(modal);
    await(modal.recover());
    return modal;
  }

  @AfterEach
  void closeStarted() throws Exception {
    for (LocalDriver modal : started) {
      modal.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static ProvisionRequest sized(String namespace, String name, String uid, long bytes) {
    return new ProvisionRequest(uid, name, namespace, bytes, "ReadWriteOnce", Map.of(),
        Map.of(), Instant.now().plusSeconds(60));
  }
}
