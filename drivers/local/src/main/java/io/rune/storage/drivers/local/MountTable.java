package io.rune.storage.drivers.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The mounts this process sees ({@code /proc/self/mountinfo}): which file system holds a
 * path, with what options, and whether a directory is a mount point already (so that nothing
 * is mounted twice).
 */
final class MountTable {

  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /**
   * One mount.
   *
   * @param options the mount's and the file system's options together ({@code rw}, {@code prjquota})
   */
  record Mount(Path mountPoint, String type, String source, Set<String> options) {}

  private final List<Mount> mounts;

  MountTable(List<Mount> mounts) {
    this.mounts = List.copyOf(mounts);
  }

  /** The mounts now. Blocking. */
  static MountTable read() throws IOException {
    return parse(Files.readString(MOUNTINFO));
  }

  /** Parses mountinfo text: {@code id parent major:minor root mountpoint options [tags] - type source superoptions}. */
  static MountTable parse(String mountinfo) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      String[] fields = line.trim().split(" ");
      int separator = Arrays.asList(fields).indexOf("-");
      if (fields.length < 6 || separator < 6 || fields.length < separator + 4) {
        continue;
      }
      Set<String> options = new HashSet<>(Arrays.asList(fields[5].split(",")));
      options.addAll(Arrays.asList(fields[separator + 3].split(",")));
      mounts.add(new Mount(Path.of(unescape(fields[4])), fields[separator + 1], unescape(fields[separator + 2]),
          options));
    }
    return new MountTable(mounts);
  }

  /** The mount that holds {@code path} (an absolute, real path): the last one over it wins, as in the kernel. */
  Mount holding(Path path) {
    Mount found = null;
    for (Mount mount : mounts) {
      if (path.startsWith(mount.mountPoint())
          && (found == null || mount.mountPoint().getNameCount() >= found.mountPoint().getNameCount())) {
        found = mount;
      }
    }
    if (found == null) {
      throw new IllegalStateException("no mount holds " + path + " in /proc/self/mountinfo");
    }
    return found;
  }

  /** The mount whose mount point is {@code dir} exactly, if any (the topmost when stacked). */
  Optional<Mount> at(Path dir) {
    Mount found = null;
    for (Mount mount : mounts) {
      if (mount.mountPoint().equals(dir)) {
        found = mount;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The mounts whose mount points lie below {@code dir} (not at it). */
  List<Mount> below(Path dir) {
    return mounts.stream().filter(mount -> mount.mountPoint().startsWith(dir) && !mount.mountPoint().equals(dir))
        .toList();
  }

  /** How many mounts show {@code source} (a device such as /dev/loop0): more than one means it is in use elsewhere too. */
  long countOf(String source) {
    return mounts.stream().filter(mount -> mount.source().equals(source)).count();
  }

  /** mountinfo writes space, tab, newline and backslash in paths as octal escapes ({@code \040}). */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()
          && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
