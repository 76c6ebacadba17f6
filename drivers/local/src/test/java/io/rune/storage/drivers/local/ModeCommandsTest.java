package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the modes read from the kernel's and the tools' output, and the commands they run. */
class ModeCommandsTest {

  private static final String MOUNTINFO = """
      22 1 252:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
      98 22 7:0 / /srv/rune rw,relatime shared:40 - btrfs /dev/loop0 rw,space_cache=v2,subvolid=5,subvol=/
      99 98 7:1 / /srv/rune/volumes/ns/a_x rw,relatime shared:41 - ext4 /dev/loop1 rw
      100 22 7:2 / /mnt/with\\040space rw - xfs /dev/loop2 rw,attr2,inode64,prjquota
      101 98 7:1 / /srv/rune/volumes/ns/a_x rw,relatime shared:42 - ext4 /dev/loop1 rw
      """;

  @Test
  void theMountTableSaysWhatHoldsAPathAndWhatIsMountedWhere() {
    MountTable table = MountTable.parse(MOUNTINFO);
    assertThat(table.holding(Path.of("/srv/rune/volumes")).type()).isEqualTo("btrfs");
    assertThat(table.holding(Path.of("/srv/runex")).type()).isEqualTo("ext4");
    assertThat(table.holding(Path.of("/srv/rune/volumes/ns/a_x/data")).source()).isEqualTo("/dev/loop1");
    MountTable.Mount xfs = table.holding(Path.of("/mnt/with space/volumes"));
    assertThat(xfs.type()).isEqualTo("xfs");
    assertThat(xfs.options()).contains("prjquota", "rw");
    assertThat(table.at(Path.of("/srv/rune/volumes/ns/a_x"))).isPresent();
    assertThat(table.at(Path.of("/srv/rune/volumes/ns"))).isEmpty();
    assertThat(table.countOf("/dev/loop1")).as("mounted twice").isEqualTo(2);
  }

  @Test
  void theQgroupFiguresAreTheReferencedBytesAndTheLimit() {
    String shown = """
        Qgroupid    Referenced    Exclusive  Max referenced   Path\s
        --------    ----------    ---------  --------------   ----\s
        0/256         67092480     67092480        67108864   ns/a_x
        """;
    assertThat(BtrfsSubvolumes.qgroupFigures(shown, Path.of("/v"))).containsExactly(67092480L, 67108864L);
    assertThat(BtrfsSubvolumes.qgroupFigures("0/257 16384 16384 none", Path.of("/v"))).containsExactly(16384L, -1L);
  }

  @Test
  void theCommandsAreTheOnesTheModesNeed() {
    assertThat(BtrfsSubvolumes.limitCommand(Path.of("/r/ns/a_x"), 64 << 20))
        .containsExactly("btrfs", "qgroup", "limit", "67108864", "/r/ns/a_x");
    assertThat(LoopImages.mkfsCommand(Path.of("/r/.images/ns/a_x.img.partial")))
        .containsExactly("mkfs.ext4", "-q", "-F", "-m", "0", "-T", "default", "/r/.images/ns/a_x.img.partial");
    assertThat(XfsProjectQuotas.quotaCommand(Path.of("/srv"), "limit -p bhard=67108864 42"))
        .containsExactly("xfs_quota", "-x", "-c", "limit -p bhard=67108864 42", "/srv");
    assertThat(XfsProjectQuotas.projectId(Path.of("/r/ns/a_0000002a-0000-4000-8000-000000000000"))).isEqualTo(42);
    assertThat(XfsProjectQuotas.projectId(Path.of("/r/ns/a_00000000-0000-4000-8000-000000000000"))).isEqualTo(1);
    assertThat(XfsProjectQuotas.projectId(Path.of("/r/ns/a_ffffffff-0000-4000-8000-000000000000")))
        .isEqualTo(0x7fffffffL);
  }
}
