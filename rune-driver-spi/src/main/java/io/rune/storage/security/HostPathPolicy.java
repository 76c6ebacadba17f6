package io.rune.storage.security;

import io.rune.storage.model.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides which host directories a local-host volume may use (STORAGE.md, "Security
 * defaults"). A host path is allowed when, after lexical normalisation and then symlink
 * resolution, it lies under an entry of {@code [storage] hostPathAllowlist} (compared
 * component by component, so {@code /srv/data2} is not under {@code /srv/data}), and it
 * neither is, lies inside, nor contains a forbidden root: the local volume root, the embedded
 * database's directory and the server's own state files, which no tenant's host path may
 * reach even when the allowlist covers them.
 *
 * <p>{@link #check} makes blocking file-system calls (it resolves symbolic links), so callers
 * on an event loop must run it on a worker thread, for example
 * {@code vertx.executeBlocking(() -> policy.check("hostPath", path))}. The answer is only as
 * fresh as the file system it read: a driver should check again just before it creates or
 * mounts the directory, and use the real path {@code check} returns.
 */
public final class HostPathPolicy {

  /** The code word of a host path this policy refuses. */
  public static final String NOT_ALLOWED = "HostPathNotAllowed";

  private final List<Path> allowlist;
  private final List<Path> forbiddenRoots;

  /**
   * @param allowlist the absolute directories of {@code [storage] hostPathAllowlist}; empty
   *     denies every host path
   * @param forbiddenRoots absolute paths no host path may be, lie inside or contain: the local
   *     volume root, the embedded database's directory, the server's state files
   * @throws IllegalArgumentException when a path is relative (a configuration error)
   */
  public HostPathPolicy(List<Path> allowlist, List<Path> forbiddenRoots) {
    this.allowlist = absolute("hostPathAllowlist", allowlist);
    this.forbiddenRoots = absolute("forbidden root", forbiddenRoots);
  }


  private static List<Path> absolute(String what, List<Path> paths) {
    List<Path> result = new ArrayList<>();
    for (Path p : paths) {
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException(
            what + " entry \"" + p + "\" is relative: use an absolute path");
      }
      result.add(p.normalize());
    }
    return List.copyOf(result);
  }

  /**
   * Checks the {@code hostPath} of a local-host volume, named by {@code field}. The path
   * need not exist yet (whether a missing directory may be created is decided elsewhere);
   * its existing part is resolved and the missing part appended. Blocking: see the class
   * documentation.
   *
   * @return the real path to use, with symbolic links resolved
   * @throws ValidationException with code {@value #NOT_ALLOWED} and the field, when the path
   *     is missing, relative, outside the allowlist, or reaches a forbidden root
   */
  public Path check(String field, String hostPath) {
    if (hostPath == null || hostPath.isEmpty()) {
      throw refuse(
          field,
          field + " is required for a local-host volume: use an absolute directory on the host"
              + " inside [storage] hostPathAllowlist");
    }
    String quoted = field + " \"" + hostPath + "\"";
    Path requested;
    try {
      requested = Path.of(hostPath);
    } catch (InvalidPathException e) {
      throw refuse(field, quoted + " is not a valid path (" + e.getReason() + ")");
    }
    if (!requested.isAbsolute()) {
      throw refuse(
          field, quoted + " is relative: use an absolute directory on the host, such as "
              + (allowlist.isEmpty() ? "/srv/data" : allowlist.get(0).resolve("data")));
    }
    if (allowlist.isEmpty()) {
      throw refuse(
          field,
          quoted + " is not allowed: [storage] hostPathAllowlist in the runefile is empty, so"
              + " no host path is; an operator must add this directory (or a parent of it) to"
              + " hostPathAllowlist");
    }
    Path normalized = requested.normalize();
    Path real;
    try {
      real = resolve(normalized);
    } catch (DanglingLinkException e) {
      throw refuse(
          field,
          quoted + " goes through a symbolic link whose target does not exist (" + e.link
              + "): use a path whose real location is a directory inside hostPathAllowlist");
    } catch (IOException e) {
      throw refuse(
          field,
          quoted + " cannot be resolved (" + e.getMessage() + "): check that it exists and"
              + " that the server may read its parent directories");
    }

    List<Path> allowedRoots = withRealForms(allowlist);
    if (allowedRoots.stream().noneMatch(real::startsWith)) {
      if (allowedRoots.stream().anyMatch(normalized::startsWith)) {
        throw refuse(
            field,
            quoted + " leads outside [storage] hostPathAllowlist through a symbolic link: use a"
                + " path whose real location is inside one of " + listed(allowlist));
      }
      throw refuse(
          field,
          quoted + " is not under [storage] hostPathAllowlist: use a path inside one of "
              + listed(allowlist) + ", or ask an operator to add its directory to"
              + " hostPathAllowlist in the runefile");
    }

    for (Path root : withRealForms(forbiddenRoots)) {
      boolean inside = real.startsWith(root) || normalized.startsWith(root);
      if (inside || root.startsWith(real) || root.startsWith(normalized)) {
        throw refuse(
            field,
            quoted + (inside ? " is inside" : " contains")
                + " the server's own storage or state (managed volumes, the database or the"
                + " server's state files), which a host path may never reach, even inside"
                + " hostPathAllowlist: choose a directory that "
                + (inside ? "lies outside it" : "does not contain it"));
      }
    }
    return real;
  }

  /**
   * The allowlist entry, in its configured (normalised) form, that {@code real} lies under:
   * what a local-host volume reports as its {@code rune.io/host-path-root}. When entries
   * nest, the innermost one. {@code real} is a path {@link #check} returned; an entry counts
   * in its configured and in its real form, as in {@link #check}. Blocking: entries are
   * resolved on the file system.
   *
   * @return empty when no entry covers {@code real}
   */
  public Optional<Path> allowlistEntryOf(Path real) {
    Path found = null;
    int depth = -1;
    for (Path entry : allowlist) {
      for (Path form : withRealForms(List.of(entry))) {
        if (real.startsWith(form) && form.getNameCount() > depth) {
          found = entry;
          depth = form.getNameCount();
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /** The paths as configured, plus their real forms where those differ and can be found. */
  private static List<Path> withRealForms(List<Path> paths) {
    List<Path> result = new ArrayList<>(paths);
    for (Path p : paths) {
      try {
        Path real = resolve(p);
        if (!real.equals(p)) {
          result.add(real);
        }
      } catch (IOException e) {
        // An entry that cannot be resolved is still compared in its configured form.
      }
    }
    return result;
  }

  /**
   * Resolves symbolic links in the longest existing prefix of an absolute, normalised path
   * and appends the components that do not exist yet.
   *
   * @throws DanglingLinkException when a component is a symbolic link to nothing, which could
   *     later be pointed anywhere by whoever creates its target
   */
  private static Path resolve(Path normalized) throws IOException {
    Path existing = normalized;
    Deque<Path> missing = new ArrayDeque<>();
    while (true) {
      try {
        Path real = existing.toRealPath();
        for (Path name : missing) {
          real = real.resolve(name);
        }
        return real;
      } catch (NoSuchFileException e) {
        if (Files.isSymbolicLink(existing)) {
          throw new DanglingLinkException(existing);
        }
        Path parent = existing.getParent();
        if (parent == null) {
          throw e;
        }
        missing.addFirst(existing.getFileName());
        existing = parent;
      }
    }
  }

  private static String listed(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  private static ValidationException refuse(String field, String message) {
    return new ValidationException(NOT_ALLOWED, field, message);
  }

  private static final class DanglingLinkException extends IOException {
    final Path link;

    DanglingLinkException(Path link) {
      super("dangling symbolic link " + link);
      this.link = link;
    }
  }
}
