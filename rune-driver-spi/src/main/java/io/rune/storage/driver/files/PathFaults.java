package io.rune.storage.driver.files;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverException.Blame;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns what the file system threw at a directory driver into a {@link DriverException} that
 * blames what failed, in words an operator can act on. Almost every failure is about the one
 * path a call touched (a file or a symbolic link in the way, permission refused, a directory
 * that vanished): that volume fails and the others go on. Only what breaks every call of the
 * driver on this node blames the backend and feeds its breaker: the volume root missing or
 * unwritable as a whole, a full, read-only or failing disk. Public because the local-host
 * driver classifies its host directories the same way.
 */
public final class PathFaults {

  /** The OS's words (strerror) for conditions of the whole file system, not of one path. */
  private static final List<String> FILE_SYSTEM_WIDE = List.of("no space left on device", "read-only file system",
      "disk quota exceeded", "input/output error", "stale file handle", "transport endpoint is not connected");

  private final String driver;
  private final String blockedReason;
  private final Path backendRoot;

  /**
   * @param driver the driver's name, for messages
   * @param blockedReason the reason word of a path something is in the way of ({@code PathBlocked})
   * @param backendRoot the directory every call of the driver needs (the local volume root), or null
   */
  public PathFaults(String driver, String blockedReason, Path backendRoot) {
    this.driver = driver;
    this.blockedReason = blockedReason;
    this.backendRoot = backendRoot;
  }

  /**
   * The failure of {@code what} (a phrase: "provision volume default/web"), classified.
   * Blocking: it looks at the file system to tell whose fault it is; call it on the worker
   * thread that failed.
   */
  public DriverException classify(String what, Throwable failure) {
    if (failure instanceof DriverException driverException) {
      return driverException;
    }
    if (!(failure instanceof IOException io)) {
      return new DriverException(DriverError.TRANSIENT, Blame.BACKEND, null, driver + " driver could not " + what
          + ": " + wordsOf(failure), failure);
    }
    DriverException rootFault = rootFault(what, failure);
    if (rootFault != null) {
      return rootFault;
    }
    String words = wordsOf(io);
    if (fileSystemWide(words)) {
      return new DriverException(DriverError.TRANSIENT, Blame.BACKEND, null, driver + " driver could not " + what
          + ": " + words + "; every volume of this node on that file system is affected until an operator"
          + " frees or repairs it", failure);
    }
    Path path = io instanceof FileSystemException fs && fs.getFile() != null ? Path.of(fs.getFile()) : null;
    if (io instanceof FileAlreadyExistsException || "Not a directory".equalsIgnoreCase(reasonOf(io))) {
      Path inTheWay = path == null ? null : inTheWay(path);
      if (inTheWay != null) {
        return blocked(inTheWay);
      }
    }
    if (io instanceof AccessDeniedException) {
      return new DriverException(DriverError.PERMANENT, Blame.OBJECT, "PermissionDenied", driver + " driver could not "
          + what + ": permission denied on " + path + "; give the server's user access to it, then run retry",
          failure);
    }
    // Unknown: this object's path, in the OS's words; another attempt may get past it.
    return new DriverException(DriverError.TRANSIENT, Blame.OBJECT, null, driver + " driver could not " + what
        + ": " + words, failure);
  }

  /**
   * {@code inTheWay} stands where a directory should be: a file, or a symbolic link that is
   * never followed. Refused until someone moves it; blamed on the object alone.
   */
  public DriverException blocked(Path inTheWay) {
    return blocked("", inTheWay);
  }

  /** As {@link #blocked(Path)}, the message starting with {@code subject} ("local volume \"x\": "). */
  public DriverException blocked(String subject, Path inTheWay) {
    boolean link = Files.isSymbolicLink(inTheWay);
    return DriverException.objectFault(DriverError.PERMANENT, blockedReason, subject + inTheWay + " is "
        + (link ? "a symbolic link" : "a file") + ", not a directory" + (link ? " (links are never followed)" : "")
        + "; move it away, then run retry");
  }

  /**
   * Runs {@code work} (the file system work of {@code what}) on {@code workers}; its failures
   * are classified there, where looking at the file system to see whose fault they are may
   * block. A pool that does not run the work (closed or overwhelmed) is no volume's fault.
   */
  public <T> Future<T> onWorkers(WorkerExecutor workers, String what, Callable<T> work) {
    return workers.<T>executeBlocking(() -> {
      try {
        return work.call();
      } catch (Exception e) {
        throw classify(what, e);
      }
    }, false).recover(failure -> Future.failedFuture(failure instanceof RejectedExecutionException
        ? new DriverException(DriverError.TRANSIENT, Blame.BACKEND, null, driver + " driver could not " + what
            + ": its worker pool refused the work (the server is stopping or overloaded)", null)
        : classify(what, failure)));
  }

  /** The failure as the fault of the whole root, when the root itself is gone or unwritable. */
  private DriverException rootFault(String what, Throwable failure) {
    if (backendRoot == null) {
      return null;
    }
    String problem = rootProblem(backendRoot);
    return problem == null ? null : rootFault(what, problem, failure);
  }

  /** What is wrong with the root as a whole (every call needs it), or null when nothing is. */
  public static String rootProblem(Path root) {
    if (!Files.exists(root)) {
      Path parent = root.getParent();
      // A root that is merely not made yet is made by the next provision, if its parent lets it.
      return parent != null && Files.isDirectory(parent) && Files.isWritable(parent) ? null
          : "does not exist and cannot be created (is its disk mounted?)";
    }
    if (!Files.isDirectory(root)) {
      return "is not a directory";
    }
    if (!Files.isWritable(root) || !Files.isExecutable(root)) {
      return "is not writable by the server";
    }
    return null;
  }

  public DriverException rootFault(String what, String problem, Throwable cause) {
    return new DriverException(DriverError.TRANSIENT, Blame.BACKEND, null, driver + " driver could not " + what
        + ": its volume root " + backendRoot + " " + problem + "; every " + driver + " volume of this node fails"
        + " until an operator fixes it", cause);
  }

  /** The nearest of {@code path} and its parents that exists but is not a directory, or null. */
  private static Path inTheWay(Path path) {
    for (Path p = path; p != null; p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? null : p;
      }
    }
    return null;
  }

  /** Whether the OS's words say the whole file system is in trouble (full, read-only, failing). */
  public static boolean fileSystemWide(String words) {
    String lower = words.toLowerCase(Locale.ROOT);
    return FILE_SYSTEM_WIDE.stream().anyMatch(lower::contains);
  }

  private static String reasonOf(IOException io) {
    return io instanceof FileSystemException fs ? fs.getReason() : null;
  }

  /**
   * The failure in the OS's words, never a Java class name: the file and the system's reason
   * for a file system error, the message otherwise.
   */
  public static String wordsOf(Throwable failure) {
    if (failure instanceof FileSystemException fs) {
      String reason = fs.getReason();
      if (reason == null) {
        reason = fs instanceof NoSuchFileException ? "no such file or directory"
            : fs instanceof AccessDeniedException ? "permission denied"
            : fs instanceof FileAlreadyExistsException ? "already exists" : "failed";
      }
      return fs.getFile() + (fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : "") + ": " + reason;
    }
    return failure.getMessage() != null ? failure.getMessage() : "an unexpected error (the server log has details)";
  }
}
