package io.rune.storage.drivers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockDeviceMounterTest {
  private static final String DEVICE = DoNames.device("rune-0a1b");
  private final SimulatedDroplet droplet = new SimulatedDroplet();
  private final BlockDeviceMounter mounter = new BlockDeviceMounter(droplet);

  @Test
  void aBlankDeviceIsFormattedWithTheClassFsTypeThenMounted() {
    droplet.plugIn(DEVICE);
    assertThat(await(mounter.mount(DEVICE, "/mnt/rune/v", "xfs", false))).isEqualTo("/mnt/rune/v");
    assertThat(droplet.commands()).containsExactly(
        List.of("blkid", "-p", "-s", "TYPE", "-o", "value", DEVICE),
        List.of("mkfs.xfs", DEVICE),
        List.of("mkdir", "-p", "/mnt/rune/v"),
        List.of("findmnt", "-n", "-o", "SOURCE", "--mountpoint", "/mnt/rune/v"),
        List.of("mount", "-t", "xfs", DEVICE, "/mnt/rune/v"),
        List.of("xfs_growfs", "/mnt/rune/v"));
    assertThat(droplet.mountedAt("/mnt/rune/v")).isEqualTo(DEVICE);
  }

  @Test
  void aDeviceWithAFilesystemIsNeverFormattedAndIsMountedWithItsOwnType() {
    droplet.plugIn(DEVICE);
    droplet.format(DEVICE, "ext4");
    await(mounter.mount(DEVICE, "/mnt/rune/v", "xfs", true));
    assertThat(droplet.commands()).noneMatch(c -> c.get(0).startsWith("mkfs"))
        .contains(List.of("mount", "-t", "ext4", "-o", "ro", DEVICE, "/mnt/rune/v"));
    assertThat(droplet.filesystem(DEVICE)).isEqualTo("ext4");
  }

  @Test
  void mountingTwiceOrUnmountingTwiceChangesNothing() {
    droplet.plugIn(DEVICE);
    await(mounter.mount(DEVICE, "/mnt/rune/v", "ext4", false));
    int before = droplet.commands().size();
    await(mounter.mount(DEVICE, "/mnt/rune/v", "ext4", false));
    assertThat(droplet.commands().subList(before, droplet.commands().size()))
        .noneMatch(c -> c.get(0).equals("mount") || c.get(0).startsWith("mkfs"));
    await(mounter.unmount("/mnt/rune/v"));
    await(mounter.unmount("/mnt/rune/v"));
    assertThat(droplet.commands()).filteredOn(c -> c.get(0).equals("umount")).hasSize(1);
    assertThat(droplet.mountedAt("/mnt/rune/v")).isNull();
  }

  @Test
  void anotherDeviceAtTheTargetOrAFailingToolIsAClearError() {
    String other = DoNames.device("rune-other");
    droplet.plugIn(DEVICE);
    droplet.plugIn(other);
    await(mounter.mount(other, "/mnt/rune/v", "ext4", false));
    DriverException taken = failure(mounter.mount(DEVICE, "/mnt/rune/v", "ext4", false));
    assertThat(taken.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(taken.getMessage()).contains("/mnt/rune/v already has").contains("unmount it first");
    assertThat(taken.reason()).isEqualTo(BlockDeviceMounter.TARGET_IN_USE);

    droplet.failNext("mount", new CommandExecutor.Result(32, "", "mount: /mnt/rune/w: permission denied.\n"));
    DriverException denied = failure(mounter.mount(DEVICE, "/mnt/rune/w", "ext4", false));
    assertThat(denied.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(denied.blamesBackend()).as("a tool failing on one device is that volume's fault").isFalse();
    assertThat(denied.reason()).isEqualTo(BlockDeviceMounter.DEVICE_COMMAND_FAILED);
    assertThat(denied.getMessage()).isEqualTo("mount of " + DEVICE + " at /mnt/rune/w failed (exit 32: mount:"
        + " /mnt/rune/w: permission denied.)");

    DriverException readOnlyBlank = failure(mounter.mount(DoNames.device("rune-blank"), "/mnt/x", "ext4", true));
    assertThat(readOnlyBlank.getMessage()).contains("holds no filesystem and the mount is read-only");
  }

  private static <T> T await(Future<T> future) {
    assertThat(future.succeeded()).as("%s", future.cause()).isTrue();
    return future.result();
  }

  private static DriverException failure(Future<?> future) {
    assertThat(future.failed()).isTrue();
    return (DriverException) future.cause();
  }
}
