package io.rune.storage.drivers.local;

import io.rune.storage.driver.files.PathFaults;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.model.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local volume root and the handles that name directories below it:
 * {@code <namespace>/<name>_<uid>} for volumes and
 * {@code .snapshots/<namespace>/<name>_<uid>} for snapshots. Names are DNS-1123 labels, so
 * neither {@code _} nor a leading {@code .} can occur in them: the uid part cannot be
 * forged by a name, and snapshots and the partial copies
 * ({@code .<name>_<uid>.<attempt>.partial}) never clash with a volume.
 *
 * <p>Handles come back from the database, where anyone with access could have edited them,
 * so every one is checked before the file system is touched: lexically (nothing absolute,
 * no {@code ..}, strictly below its area) and then on disk (its parent directory must be
 * itself, not reached through a symbolic link, so a namespace directory swapped for a link
 * cannot lead elsewhere). Methods that touch the file system block.
 */
final class ManagedRoot {

  /** What a handle names, and the area below the root it must stay in. */
  enum Kind {
    VOLUME("volume"),
    SNAPSHOT("snapshot");

    final String noun;

    Kind(String noun) {
      this.noun = noun;
    }
  }

  static final String SNAPSHOTS = ".snapshots";

  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern ATTEMPT = Pattern.compile("[0-9a-f]{1,32}");

  /** The reason word of a handle refused because it would lead elsewhere (through a link, or lexically). */
  static final String REFUSED = "PathRefused";

  private final Path root;
  private final PathFaults faults;

  ManagedRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.faults = new PathFaults(LocalDriver.NAME, "PathBlocked", this.root);
  }

  Path path() {
    return root;
  }

  /** How failures below this root are blamed. */
  PathFaults faults() {
    return faults;
  }

  static String volumeHandle(String namespace, String name, String uid) {
    return checkedName("namespace", namespace) + "/" + leaf(name, uid);
  }

  static String snapshotHandle(String namespace, String snapshotName, String snapshotUid) {
    return SNAPSHOTS + "/" + checkedName("namespace", namespace) + "/" + leaf(snapshotName, snapshotUid);
  }

  /**
   * The sibling one copy attempt writes to before it is renamed to {@code target}:
   * {@code .<name>_<uid>.<attempt>.partial}. Each attempt has its own, so a copy never writes
   * into what an earlier attempt left, even while a cp of that attempt is somehow still at it.
   */
  static Path partialOf(Path target, String attempt) {
    if (!ATTEMPT.matcher(attempt).matches()) {
      throw new IllegalArgumentException("attempt \"" + attempt + "\" is not a short hex token");
    }
    return target.resolveSibling("." + target.getFileName() + "." + attempt + ".partial");
  }

  /** The partial copies earlier attempts at {@code target} left beside it. Blocking. */
  static List<Path> partialsOf(Path target) throws IOException {
    String leaf = target.getFileName().toString();
    return entries(target.getParent()).stream()
        .filter(entry -> leaf.equals(partialLeaf(entry.getFileName().toString()))).toList();
  }

  /**
   * The partial copies a crash left: entries named {@code .<name>_<uid>.<attempt>.partial}
   * (or {@code .<name>_<uid>.partial}, as earlier versions named them) directly in a namespace
   * directory of volumes or of snapshots. Nothing else matches, not even such a name inside a
   * volume (that is a tenant's file), and namespace directories that are symbolic links are
   * not entered. Blocking.
   */
  List<Path> partials() throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path area : List.of(root, root.resolve(SNAPSHOTS))) {
      // The root may be reached through a link (an operator's choice); what is below may not.
      if (!area.equals(root) && !Files.isDirectory(area, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      for (Path namespace : entries(area)) {
        if (Names.isValid(namespace.getFileName().toString())
            && Files.isDirectory(namespace, LinkOption.NOFOLLOW_LINKS)) {
          for (Path entry : entries(namespace)) {
            if (partialLeaf(entry.getFileName().toString()) != null) {
              found.add(entry);
            }
          }
        }
      }
    }
    return found;
  }

  /**
   * Whether {@code path}, as a cp of this driver was given it, names a partial copy in this
   * root whose real path is {@code realRoot}: {@code <realRoot>[/.snapshots]/<namespace>/<partial>}.
   */
  static boolean isPartialIn(Path realRoot, Path path) {
    Path namespace = path.getParent();
    if (!path.isAbsolute() || !path.equals(path.normalize()) || namespace == null
        || namespace.getParent() == null || partialLeaf(path.getFileName().toString()) == null
        || !Names.isValid(namespace.getFileName().toString())) {
      return false;
    }
    Path area = namespace.getParent();
    return area.equals(realRoot) || area.equals(realRoot.resolve(SNAPSHOTS));
  }

  /** The {@code <name>_<uid>} a partial copy's file name belongs to, or null if it names none. */
  private static String partialLeaf(String fileName) {
    if (fileName.length() <= ".partial".length() + 1 || !fileName.startsWith(".") || !fileName.endsWith(".partial")) {
      return null;
    }
    String inner = fileName.substring(1, fileName.length() - ".partial".length());
    int dot = inner.indexOf('.');
    if (dot >= 0 && !ATTEMPT.matcher(inner.substring(dot + 1)).matches()) {
      return null;
    }
    String leaf = dot < 0 ? inner : inner.substring(0, dot);
    return isLeaf(leaf) ? leaf : null;
  }

  private static List<Path> entries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  private static String leaf(String name, String uid) {
    checkedName("name", name);
    if (uid == null || !UUID.matcher(uid).matches()) {
      throw DriverException.invalidConfig("uid \"" + uid + "\" is not a UUID: the local driver names"
          + " directories after the uid, so it must be one");
    }
    return name + "_" + uid;
  }

  private static String checkedName(String field, String value) {
    if (!Names.isValid(value)) {
      throw DriverException.invalidConfig(field + " \"" + value + "\" is not a DNS-1123 label: the local"
          + " driver uses it as a directory name");
    }
    return value;
  }

  /** Whether {@code handle} has the form this driver gives handles of {@code kind}. */
  static boolean isHandle(String handle, Kind kind) {
    String[] parts = handle.split("/", -1);
    return switch (kind) {
      case VOLUME -> parts.length == 2 && Names.isValid(parts[0]) && isLeaf(parts[1]);
      case SNAPSHOT -> parts.length == 3 && parts[0].equals(SNAPSHOTS) && Names.isValid(parts[1])
          && isLeaf(parts[2]);
    };
  }

  private static boolean isLeaf(String leaf) {
    int underscore = leaf.lastIndexOf('_');
    return underscore > 0 && Names.isValid(leaf.substring(0, underscore))
        && UUID.matcher(leaf.substring(underscore + 1)).matches();
  }

  private Path area(Kind kind) {
    return kind == Kind.VOLUME ? root : root.resolve(SNAPSHOTS);
  }

  /**
   * The lexical path of {@code handle}, refused (PERMANENT, nothing touched) when it is
   * empty, absolute, contains {@code ..} or does not lie strictly below the area of
   * {@code kind}.
   */
  Path confine(String handle, Kind kind) {
    Path area = area(kind);
    if (handle == null || handle.isBlank()) {
      throw refuse(kind, handle, "is empty");
    }
    if (handle.contains("..")) {
      throw refuse(kind, handle, "contains '..'");
    }
    Path relative;
    try {
      relative = Path.of(handle);
    } catch (InvalidPathException e) {
      throw refuse(kind, handle, "is not a valid path (" + e.getReason() + ")");
    }
    if (relative.isAbsolute() || handle.startsWith("/")) {
      throw refuse(kind, handle, "is absolute");
    }
    Path path = root.resolve(relative).normalize();
    if (!path.startsWith(area) || path.equals(area)) {
      throw refuse(kind, handle, "does not lie strictly below " + area);
    }
    return path;
  }

  /**
   * Where {@code handle} is on disk: below the real root, with its parent directory resolved.
   * Returns null when its parent does not exist, so nothing can be there.
   *
   * @throws DriverException PERMANENT when the handle escapes, lexically or on disk
   */
  Path locate(String handle, Kind kind) throws IOException {
    Path path = confine(handle, kind);
    Path realParent;
    try {
      realParent = path.getParent().toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    }
    // Only the root itself may be reached through a symbolic link: below it, every parent
    // must be a real directory, so that no link can send a handle elsewhere, even to
    // another place inside the root (a namespace linked into .snapshots).
    Path expected = root.toRealPath().resolve(root.relativize(path.getParent()));
    if (!realParent.equals(expected)) {
      throw refuse(kind, handle, "leads elsewhere through a symbolic link (" + path.getParent()
          + " is really " + realParent + ")");
    }
    return realParent.resolve(path.getFileName());
  }

  /**
   * The directory of an existing volume or snapshot.
   *
   * @throws DriverException NOT_FOUND when there is none, PERMANENT when the handle escapes
   *     or something other than a directory (a symbolic link, a file) is in its place
   */
  Path existing(String handle, Kind kind) throws IOException {
    Path dir = locate(handle, kind);
    if (dir == null || !isHandle(handle, kind) || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      // With the whole root unusable, every volume is missing: not this one's fault. (A root
      // merely not made yet, as on a node that never held a volume, is not a problem.)
      String rootProblem = PathFaults.rootProblem(root);
      if (rootProblem != null) {
        throw faults.rootFault("find " + kind.noun + " " + handle, rootProblem, null);
      }
      throw DriverException.objectFault(DriverError.NOT_FOUND, "StorageMissing", "local " + kind.noun + " \""
          + handle + "\" does not exist on this node (no directory " + root.resolve(handle).normalize() + ")");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw notADirectory(kind, handle, dir);
    }
    return dir;
  }

  /**
   * Makes the parent directories of {@code handle} (root, area, namespace) and returns where
   * it goes; the handle itself is not created.
   */
  Path prepare(String handle, Kind kind) throws IOException {
    Path path = confine(handle, kind);
    Files.createDirectories(path.getParent());
    Path located = locate(handle, kind);
    if (located == null) {
      // Someone removed it under us: this object's bad luck, which the next attempt gets past.
      throw new DriverException(DriverError.TRANSIENT, DriverException.Blame.OBJECT, null, "local " + kind.noun
          + " directory " + path.getParent() + " vanished while it was being created", null);
    }
    return located;
  }

  /** Something other than a directory (a file, a symbolic link) stands where the directory of {@code handle} goes. */
  DriverException notADirectory(Kind kind, String handle, Path dir) {
    return faults.blocked("local " + kind.noun + " \"" + handle + "\": ", dir);
  }

  private DriverException refuse(Kind kind, String handle, String why) {
    return DriverException.objectFault(DriverError.PERMANENT, REFUSED, "refusing local " + kind.noun + " handle \""
        + handle + "\": it " + why + "; handles of the local driver name directories below " + area(kind));
  }
}
