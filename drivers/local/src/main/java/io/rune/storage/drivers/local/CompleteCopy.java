package io.rune.storage.drivers.local;

import io.rune.storage.driver.files.PathFaults;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverException.Blame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a directory tree to a new directory that appears complete or not at all (STORAGE.md,
 * "Snapshots"): the copy is written to a hidden sibling {@code .<name>.<attempt>.partial} and
 * renamed into place once it is whole and on disk. A crash mid-copy leaves only a partial,
 * which the next attempt throws away, never a target that looks finished; and as each attempt
 * writes to a partial of its own, a cp that outlived an earlier attempt cannot spoil the next
 * one (its processes die with the server, see {@link CopyProcesses}).
 *
 * <p>The copy is GNU {@code cp -a}: it keeps modes, owners, times, symbolic links (as links)
 * and hard links (as links within the copy). Where the root's file system clones files (btrfs,
 * XFS; {@link ReflinkProbe} found out at start-up) it is {@code cp -a --reflink=always}, which
 * makes a snapshot of a large volume cheap there and fails rather than quietly copying a file
 * it cannot clone (one below a mount of another file system inside the volume): the copy is
 * then what it says it is, and such a volume needs the root to be told not to clone.
 */
final class CompleteCopy {

  private static final int MAX_STDERR = 2000;
  private static final Logger LOG = LoggerFactory.getLogger(CompleteCopy.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private CompleteCopy() {}

  /**
   * Copies the contents of {@code source} to {@code target}, whose parent exists and which
   * must not exist yet, telling {@code progress} how far it is. Blocking: runs for as long as
   * the copy takes.
   *
   * @param reflink whether to clone every file ({@code --reflink=always}) rather than copy it
   * @throws DriverException TRANSIENT when cp or sync fail (with their error output)
   */
  static void copy(Path source, Path target, CopyProgress progress, boolean reflink) throws IOException {
    removeLeftovers(target);
    Path partial = ManagedRoot.partialOf(target, HexFormat.of().toHexDigits(RANDOM.nextLong()));
    try {
      // As the kernel names the files cp has open (the root may be reached through a link).
      Path watched = partial.getParent().toRealPath().resolve(partial.getFileName());
      try {
        // "<source>/." copies the directory's contents and its own mode into a new partial.
        run((reflink ? "cloning " : "copying ") + source + " to " + partial, List.of("cp", "-a",
            reflink ? "--reflink=always" : "--reflink=never", "--", source + "/.", partial.toString()),
            cp -> progress.watching(cp, source, watched));
      } finally {
        progress.stopWatching();
      }
      // Flush the copy before the rename makes it look finished: after a power loss the
      // target must not exist with data that never reached the disk. One syncfs of the file
      // system (sync -f) rather than an fsync per file: one wait for the journal, not 65,536.
      run("flushing " + partial + " to disk", List.of("sync", "-f", partial.toString()), sync -> {});
    } catch (IOException | RuntimeException e) {
      removeQuietly(partial, e);
      throw e;
    }
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      // Someone finished the same copy first: theirs is as good as ours.
      TreeRemoval.remove(partial);
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
    // And make the rename itself durable.
    try (FileChannel parent = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      parent.force(true);
    }
    progress.finished();
  }

  /**
   * Removes what earlier attempts at {@code target} left. One that cannot be removed (a stray
   * cp still writes into it) is logged and left for the next start, which stops the stray
   * first: this attempt writes elsewhere.
   */
  private static void removeLeftovers(Path target) throws IOException {
    for (Path leftover : ManagedRoot.partialsOf(target)) {
      try {
        TreeRemoval.remove(leftover);
      } catch (IOException e) {
        LOG.warn("cannot remove {}, left by an earlier copy to {} ({}); this copy writes to a partial of its"
            + " own", leftover, target, e.toString());
      }
    }
  }

  private static void removeQuietly(Path partial, Exception failure) {
    try {
      TreeRemoval.remove(partial);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static void run(String what, List<String> command, Consumer<ProcessHandle> started)
      throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(CopyProcesses.dyingWithServer(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      // Without cp no copy of this node can be made: the node's fault, not the volume's.
      throw new DriverException(DriverError.PERMANENT, Blame.BACKEND, null, what + ": cannot run " + command.get(0)
          + " (" + e.getMessage() + "); the local driver needs GNU coreutils on the node", e);
    }
    process.getOutputStream().close();
    started.accept(process.toHandle());
    String errors;
    try (InputStream stderr = process.getErrorStream()) {
      errors = new String(stderr.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    int exit;
    try {
      exit = process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw DriverException.transientError(what + ": interrupted", e);
    }
    if (exit != 0) {
      if (errors.length() > MAX_STDERR) {
        errors = errors.substring(0, MAX_STDERR) + " …";
      }
      // cp names the file it could not copy: one tenant's unreadable file fails this copy alone,
      // a full or failing disk every copy.
      Blame blame = PathFaults.fileSystemWide(errors) ? Blame.BACKEND : Blame.OBJECT;
      throw new DriverException(DriverError.TRANSIENT, blame, null, what + " failed: " + command.get(0)
          + " exited with " + exit + (errors.isEmpty() ? "" : ": " + errors), null);
    }
  }
}
