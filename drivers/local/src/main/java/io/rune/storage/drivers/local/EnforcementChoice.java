package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverSettingsException;
import io.rune.storage.drivers.local.MountTable.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides, once at start-up, how the local driver keeps volumes to their size: the mode the
 * runefile names, refused with the reason when the volume root or the node cannot do it, or
 * for {@code auto} the best the volume root's file system offers (btrfs, then XFS with
 * project quotas, else none). {@code loop} is never picked by itself: a file system and a
 * mount per volume is a cost the operator chooses.
 *
 * @param mode the mode chosen
 * @param mount the mount holding the volume root
 * @param note why, for the start line: empty unless sizes go unenforced
 */
record EnforcementChoice(Enforcement mode, Mount mount, String note) {

  static final List<String> LOOP_TOOLS = List.of("mkfs.ext4", "mount", "umount", "losetup", "resize2fs");
  private static final Set<String> PROJECT_QUOTA_OPTIONS = Set.of("prjquota", "pquota");

  /** What the node offers; {@link #real()} looks, tests make up their own. */
  interface Node {
    /** The mount holding {@code path} (which exists). */
    Mount mountOf(Path path) throws IOException;

    boolean hasTool(String tool);

    /** Whether the server runs as root (mounts, quotas and limits need it). */
    boolean root();

    boolean loopDevices();

    static Node real() throws IOException {
      MountTable mounts = MountTable.read();
      boolean root = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
      boolean loop = Files.exists(Path.of("/dev/loop-control"));
      return new Node() {
        @Override
        public Mount mountOf(Path path) throws IOException {
          return mounts.holding(path.toRealPath());
        }

        @Override
        public boolean hasTool(String tool) {
          return Commands.onPath(tool);
        }

        @Override
        public boolean root() {
          return root;
        }

        @Override
        public boolean loopDevices() {
          return loop;
        }
      };
    }
  }

  /**
   * @param wanted the runefile's mode, or null for auto
   * @throws DriverSettingsException when {@code wanted} cannot work here, with the reason
   */
  static EnforcementChoice decide(Enforcement wanted, Path volumeRoot, Node node) throws IOException {
    Path existing = nearestExisting(volumeRoot);
    Mount mount = node.mountOf(existing);
    if (wanted == null) {
      for (Enforcement mode : List.of(Enforcement.BTRFS, Enforcement.XFS_QUOTA)) {
        if (missing(mode, mount, node).isEmpty()) {
          return new EnforcementChoice(mode, mount, "");
        }
      }
      return new EnforcementChoice(Enforcement.NONE, mount, "size is not enforced: the volume root " + volumeRoot
          + " is on " + mount.type() + autoMisses(mount, node) + "; set [storage.drivers.local] enforcement = \"loop\""
          + " to enforce it with an image file per volume");
    }
    List<String> missing = missing(wanted, mount, node);
    if (!missing.isEmpty()) {
      throw new DriverSettingsException("runefile: 'storage.drivers.local.enforcement' is \"" + wanted.wireName
          + "\", but this node cannot do it: " + String.join("; ", missing) + " (volume root " + volumeRoot
          + ", on " + mount.type() + " mounted at " + mount.mountPoint() + "); fix that, or choose another mode"
          + " (auto picks what works)");
    }
    return new EnforcementChoice(wanted, mount, wanted == Enforcement.NONE ? "size is not enforced: [storage.drivers"
        + ".local] enforcement is \"none\"" : "");
  }

  /** What the node lacks for {@code mode}: empty when it can do it. */
  static List<String> missing(Enforcement mode, Mount mount, Node node) {
    List<String> missing = new ArrayList<>();
    switch (mode) {
      case BTRFS -> {
        if (!mount.type().equals("btrfs")) {
          missing.add("the volume root is on " + mount.type() + ", not btrfs");
        }
        tools(List.of("btrfs"), "btrfs-progs", node, missing);
      }
      case XFS_QUOTA -> {
        if (!mount.type().equals("xfs")) {
          missing.add("the volume root is on " + mount.type() + ", not XFS");
        } else if (mount.options().stream().noneMatch(PROJECT_QUOTA_OPTIONS::contains)) {
          missing.add("its XFS file system is mounted without project quotas (mount it with -o prjquota;"
              + " the kernel must support XFS quotas)");
        }
        tools(List.of("xfs_quota"), "xfsprogs", node, missing);
      }
      case LOOP -> {
        tools(LOOP_TOOLS, "e2fsprogs, mount and util-linux", node, missing);
        if (!node.loopDevices()) {
          missing.add("the kernel offers no loop devices (/dev/loop-control is missing)");
        }
      }
      case NONE -> {
        return missing;
      }
    }
    if (!node.root()) {
      missing.add("the server does not run as root, which " + mode.wireName + " needs");
    }
    return missing;
  }

  /** Why auto found neither btrfs nor XFS quotas usable on a file system that is one of them. */
  private static String autoMisses(Mount mount, Node node) {
    Enforcement near = mount.type().equals("btrfs") ? Enforcement.BTRFS
        : mount.type().equals("xfs") ? Enforcement.XFS_QUOTA : null;
    return near == null ? "" : " (" + near.wireName + " cannot be used: " + String.join("; ", missing(near, mount, node))
        + ")";
  }

  private static void tools(List<String> tools, String packages, Node node, List<String> missing) {
    List<String> absent = tools.stream().filter(tool -> !node.hasTool(tool)).toList();
    if (!absent.isEmpty()) {
      missing.add(String.join(", ", absent) + " not found on the PATH (install " + packages + ")");
    }
  }

  private static Path nearestExisting(Path path) {
    Path p = path.toAbsolutePath();
    while (p.getParent() != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      p = p.getParent();
    }
    return p;
  }
}
