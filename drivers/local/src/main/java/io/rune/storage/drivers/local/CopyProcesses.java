package io.rune.storage.drivers.local;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code cp} and {@code sync} processes of copies, which must not outlive the server:
 * one left running after a crash would go on writing into its partial copy while the next
 * attempt wants it gone. Two guards, because a kill -9 of the server runs no code of ours:
 *
 * <ul>
 *   <li>each command runs under {@code setpriv --pdeathsig KILL} (util-linux), so the kernel
 *       kills it when its parent dies. The parent is the thread that started it, which waits
 *       for it to end, so the signal comes only with the end of the server (or of that wait);
 *   <li>at start-up, {@link #stopStrays} kills what got through anyway: a process started in
 *       the instant before the server died and before setpriv armed the signal, or any copy on
 *       a node without setpriv.
 * </ul>
 */
final class CopyProcesses {

  private static final Logger LOG = LoggerFactory.getLogger(CopyProcesses.class);
  private static final Path PROC = Path.of("/proc");
  private static final List<String> COMMANDS = List.of("cp", "sync");
  private static final long EXIT_WAIT_SECONDS = 10;
  private static final long EXIT_POLL_MILLIS = 50;

  /** Whether setpriv can arm the signal here; null until first asked. */
  private static volatile Boolean deathSignal;

  private CopyProcesses() {}

  /**
   * {@code command} as it is to be started: under {@code setpriv --pdeathsig KILL} where that
   * works. Blocking the first time (it tries setpriv once).
   */
  static List<String> dyingWithServer(List<String> command) {
    if (!deathSignalWorks()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static boolean deathSignalWorks() {
    Boolean works = deathSignal;
    if (works == null) {
      works = probe();
      deathSignal = works;
    }
    return works;
  }

  private static boolean probe() {
    String why;
    try {
      Process process = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "true")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS) && process.exitValue() == 0) {
        return true;
      }
      process.destroyForcibly();
      why = "it does not know --pdeathsig (util-linux 2.33 or later does)";
    } catch (IOException e) {
      why = "it cannot be run (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    LOG.warn("setpriv {}: a copy of the local driver may outlive a crash of the server until its next"
        + " start stops it; install util-linux on the node", why);
    return false;
  }

  /**
   * Kills the {@code cp} and {@code sync} processes writing into partial copies below
   * {@code root} that are not this server's own (an earlier server on this root died and left
   * them), and waits a while for them to end, so that their partials can be removed. One that
   * cannot be killed, or does not end, is logged: the next copy writes to a partial of its
   * own, so it can only cost space. The file system and /proc are read on {@code workers}.
   */
  static Future<Void> stopStrays(Vertx vertx, WorkerExecutor workers, Path root) {
    return workers.executeBlocking(() -> kill(root), false)
        .compose(killed -> awaitEnded(vertx, workers, killed, System.nanoTime()
            + TimeUnit.SECONDS.toNanos(EXIT_WAIT_SECONDS)));
  }

  private static List<ProcessHandle> kill(Path root) throws IOException {
    if (!Files.isDirectory(PROC) || !Files.isDirectory(root)) {
      return List.of();
    }
    Path realRoot = root.toRealPath();
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> killed = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self && p.parent().map(ProcessHandle::pid).orElse(-1L) != self)
        .forEach(stray -> {
          String partial = copiesInto(stray.pid(), realRoot);
          if (partial == null || ended(stray)) {
            return;
          }
          LOG.warn("stopping process {}, a copy into {} that an earlier server on this root left running when"
              + " it ended", stray.pid(), partial);
          if (stray.destroyForcibly()) {
            killed.add(stray);
          } else {
            LOG.warn("cannot kill process {} (it belongs to another user?); the copy into {} is left to it",
                stray.pid(), partial);
          }
        });
    return killed;
  }

  private static Future<Void> awaitEnded(Vertx vertx, WorkerExecutor workers, List<ProcessHandle> killed,
      long deadline) {
    if (killed.isEmpty()) {
      return Future.succeededFuture();
    }
    return workers.executeBlocking(() -> killed.stream().filter(p -> !ended(p)).toList(), false)
        .compose(left -> {
          if (left.isEmpty()) {
            return Future.succeededFuture();
          }
          if (System.nanoTime() - deadline > 0) {
            LOG.warn("processes {} did not end within {} s of SIGKILL", left.stream().map(ProcessHandle::pid)
                .toList(), EXIT_WAIT_SECONDS);
            return Future.succeededFuture();
          }
          return vertx.timer(EXIT_POLL_MILLIS, TimeUnit.MILLISECONDS)
              .compose(v -> awaitEnded(vertx, workers, left, deadline));
        });
  }

  /**
   * Whether {@code process} ended: gone, or a zombie (its new parent, when the server died, may
   * be an init that reaps late or never; a zombie writes nothing). Blocking (reads /proc).
   */
  static boolean ended(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(process.pid())).resolve("stat"));
      int end = stat.lastIndexOf(')');
      char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
      return state == 'Z' || state == 'X';
    } catch (IOException e) {
      return !process.isAlive();
    }
  }

  /**
   * The partial copy below {@code realRoot} that process {@code pid} writes to, when it is a
   * cp or sync of this driver (its last argument names such a partial), or null.
   */
  private static String copiesInto(long pid, Path realRoot) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.debug("cannot read the command line of process {}: {}", pid, e.toString());
      return null;
    }
    String[] argv = new String(raw, StandardCharsets.UTF_8).split("\0");
    if (argv.length < 2) {
      return null;
    }
    String last = argv[argv.length - 1];
    try {
      Path command = Path.of(argv[0]).getFileName();
      return command != null && COMMANDS.contains(command.toString())
          && ManagedRoot.isPartialIn(realRoot, Path.of(last)) ? last : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
