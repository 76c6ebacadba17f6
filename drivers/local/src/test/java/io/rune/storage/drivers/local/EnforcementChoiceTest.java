package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.driver.DriverSettingsException;
import io.rune.storage.drivers.local.MountTable.Mount;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the mode is read from the runefile and decided from what the node offers (a made-up node). */
class EnforcementChoiceTest {

  @TempDir Path tmp;

  /** A node whose volume root is on {@code type} with {@code options}, with or without tools and root. */
  private static EnforcementChoice.Node node(String type, Set<String> options, boolean tools, boolean root) {
    return new EnforcementChoice.Node() {
      @Override
      public Mount mountOf(Path path) {
        return new Mount(Path.of("/srv"), type, "/dev/vdb", options);
      }

      @Override
      public boolean hasTool(String tool) {
        return tools;
      }

      @Override
      public boolean root() {
        return root;
      }

      @Override
      public boolean loopDevices() {
        return true;
      }
    };
  }

  private EnforcementChoice auto(EnforcementChoice.Node node) throws Exception {
    return EnforcementChoice.decide(null, tmp.resolve("volumes"), node);
  }

  @Test
  void autoPicksBtrfsThenXfsWithProjectQuotasElseNoneAndNeverLoop() throws Exception {
    assertThat(auto(node("btrfs", Set.of("rw"), true, true)).mode()).isEqualTo(Enforcement.BTRFS);
    assertThat(auto(node("xfs", Set.of("rw", "prjquota"), true, true)).mode()).isEqualTo(Enforcement.XFS_QUOTA);
    assertThat(auto(node("xfs", Set.of("rw", "pquota"), true, true)).mode()).isEqualTo(Enforcement.XFS_QUOTA);
    EnforcementChoice ext4 = auto(node("ext4", Set.of("rw"), true, true));
    assertThat(ext4.mode()).isEqualTo(Enforcement.NONE);
    assertThat(ext4.note()).isEqualTo("size is not enforced: the volume root " + tmp.resolve("volumes")
        + " is on ext4; set [storage.drivers.local] enforcement = \"loop\" to enforce it with an image file per volume");
  }

  @Test
  void autoOnAFileSystemItCannotUseSaysWhy() throws Exception {
    EnforcementChoice xfs = auto(node("xfs", Set.of("rw"), true, true));
    assertThat(xfs.mode()).isEqualTo(Enforcement.NONE);
    assertThat(xfs.note()).contains("is on xfs (xfs-quota cannot be used: its XFS file system is mounted without"
        + " project quotas");
    EnforcementChoice notRoot = auto(node("btrfs", Set.of("rw"), true, false));
    assertThat(notRoot.mode()).isEqualTo(Enforcement.NONE);
    assertThat(notRoot.note()).contains("the server does not run as root");
    assertThat(auto(node("btrfs", Set.of("rw"), false, true)).note())
        .contains("btrfs not found on the PATH (install btrfs-progs)");
  }

  @Test
  void anExplicitModeTheNodeCannotDoIsRefusedWithTheReason() {
    assertThatThrownBy(() -> EnforcementChoice.decide(Enforcement.BTRFS, tmp, node("ext4", Set.of(), true, true)))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("'storage.drivers.local.enforcement' is \"btrfs\", but this node cannot do it:"
            + " the volume root is on ext4, not btrfs");
    assertThatThrownBy(() -> EnforcementChoice.decide(Enforcement.LOOP, tmp, node("ext4", Set.of(), false, false)))
        .hasMessageContaining("mkfs.ext4, mount, umount, losetup, resize2fs not found on the PATH")
        .hasMessageContaining("the server does not run as root, which loop needs");
    assertThatThrownBy(() -> EnforcementChoice.decide(Enforcement.XFS_QUOTA, tmp, node("xfs", Set.of("rw"), true,
        true))).hasMessageContaining("mounted without project quotas");
  }

  @Test
  void anExplicitModeTheNodeCanDoIsTaken() throws Exception {
    assertThat(EnforcementChoice.decide(Enforcement.LOOP, tmp, node("ext4", Set.of(), true, true)).mode())
        .isEqualTo(Enforcement.LOOP);
    EnforcementChoice none = EnforcementChoice.decide(Enforcement.NONE, tmp, node("btrfs", Set.of(), true, true));
    assertThat(none.mode()).isEqualTo(Enforcement.NONE);
    assertThat(none.note()).contains("size is not enforced");
  }

  @Test
  void theSettingIsAutoOrAModeAndNothingElse() {
    assertThat(LocalSettings.from(Map.of()).enforcement()).isNull();
    assertThat(LocalSettings.from(Map.of("enforcement", "auto")).enforcement()).isNull();
    assertThat(LocalSettings.from(Map.of("enforcement", "xfs-quota")).enforcement()).isEqualTo(Enforcement.XFS_QUOTA);
    assertThatThrownBy(() -> LocalSettings.from(Map.of("enforcement", "quota")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessage("runefile: 'storage.drivers.local.enforcement' must be one of auto, btrfs, xfs-quota, loop, none,"
            + " got \"quota\"");
    assertThatThrownBy(() -> LocalSettings.from(Map.of("enforcment", "loop")))
        .hasMessage("runefile: unknown key 'storage.drivers.local.enforcment' (known keys: enforcement)");
  }
}
