package io.rune.storage.security;

import io.rune.storage.model.UserText;
import io.rune.storage.model.ValidationException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The mountPath blocklist of STORAGE.md: where inside a container a volume may not be
 * mounted because it would replace the container's system files, or expose the kernel or
 * the host's container daemon. Paths are compared after lexical normalisation, so
 * {@code /foo/../etc} and {@code //proc/1} are caught.
 */
public final class MountPaths {

  /** The code word of a mountPath refused by the blocklist. */
  public static final String BLOCKED = "MountPathBlocked";

  /** Paths blocked exactly (a directory below them is fine), with the reason why. */
  private static final Map<String, String> BLOCKED_EXACTLY =
      Map.of(
          "/", "it would replace the container's whole root file system",
          "/etc",
          "it would replace the container's system configuration (a directory below it, such as"
              + " /etc/myapp, is fine)",
          "/var/run/docker.sock", "it would give the container control of the host's Docker daemon",
          "/run/docker.sock", "it would give the container control of the host's Docker daemon");

  private static final String SYSTEM_FILES = "it would replace the container's programs or libraries";

  /** Paths blocked together with everything under them, with the reason why. */
  private static final Map<String, String> BLOCKED_TREES =
      Map.of(
          "/proc", "it would shadow or expose the kernel's process information",
          "/sys", "it would shadow or expose the kernel's system interfaces",
          "/dev", "it would shadow or expose the container's devices",
          "/boot", "it would expose or replace the kernel and boot files",
          "/bin", SYSTEM_FILES,
          "/sbin", SYSTEM_FILES,
          "/lib", SYSTEM_FILES,
          "/lib64", SYSTEM_FILES,
          "/usr", SYSTEM_FILES,
          "/root", "it would replace the root user's home (its keys and shell start-up files)");

  private MountPaths() {}

  /**
   * Normalises a (non-null) path lexically: collapses repeated {@code /}, removes {@code .} and the
   * trailing {@code /}, and applies {@code ..} (which stops at the root of an absolute path).
   * {@code /foo/../etc/} gives {@code /etc}; an absolute path that reduces to nothing gives
   * {@code /}. A relative path stays relative and keeps the {@code ..} it cannot apply.
   */
  public static String normalize(String path) {
    boolean absolute = path.startsWith("/");
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
          parts.removeLast();
        } else if (!absolute) {
          parts.addLast(part);
        }
        continue;
      }
      parts.addLast(part);
    }
    String joined = String.join("/", parts);
    if (absolute) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /**
   * Checks the {@code mountPath} of a volume mount, named by {@code field} (for example
   * {@code volumes[0].mountPath}).
   *
   * @throws ValidationException with code {@code Invalid} when it is missing or relative, and
   *     with code {@value #BLOCKED} when it is on the blocklist or holds a control character
   */
  public static void checkMountPath(String field, String mountPath) {
    if (mountPath == null || mountPath.isEmpty()) {
      throw ValidationException.invalid(
          field, field + " is required: use an absolute path in the container, such as /data");
    }
    // Refused outright, not normalised: "/data\n/etc" is one path here and may be two to a tool.
    String control = UserText.controlCharacter(mountPath);
    if (control != null) {
      throw new ValidationException(BLOCKED, field, field + " " + UserText.quote(mountPath) + " holds " + control
          + "; a mountPath is a plain absolute path, such as /data");
    }
    if (!mountPath.startsWith("/")) {
      throw ValidationException.invalid(
          field,
          field + " " + UserText.quote(mountPath) + " is relative: use an absolute path in the container,"
              + " such as /data");
    }
    String normalized = normalize(mountPath);
    String reason = BLOCKED_EXACTLY.get(normalized);
    String blocked = normalized;
    if (reason == null) {
      for (Map.Entry<String, String> tree : BLOCKED_TREES.entrySet()) {
        if (normalized.equals(tree.getKey()) || normalized.startsWith(tree.getKey() + "/")) {
          reason = tree.getValue();
          blocked = tree.getKey() + " and everything under it";
          break;
        }
      }
    }
    if (reason != null) {
      String shown =
          normalized.equals(mountPath)
              ? UserText.quote(mountPath)
              : UserText.quote(mountPath) + " ("
                  + (normalized.length() <= UserText.SHOWN ? normalized : UserText.quote(normalized)) + ")";
      throw new ValidationException(
          BLOCKED,
          field,
          field + " " + shown + " is blocked: mounting a volume on " + blocked + " is refused"
              + " because " + reason + "; mount it on another directory, such as /data");
    }
  }
}
