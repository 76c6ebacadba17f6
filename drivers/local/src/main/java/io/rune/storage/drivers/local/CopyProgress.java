package io.rune.storage.drivers.local;

import io.rune.storage.driver.files.DirectoryUsage;
import io.rune.storage.driver.Progress;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far one copy is (STORAGE.md, "Snapshots": progress in status): the bytes the copying
 * process wrote against the bytes of regular files in the source, counted once as the copy
 * starts, as {@link DirectoryUsage} counts them. The copy is sampled from the kernel's own
 * accounting ({@link CopyingProcess}) on a walker thread of the driver's own: a sample costs a
 * few reads of /proc however large the tree, where walking the partial copy cost a stat of every
 * file copied so far, each time, beside a cp that needs the same cores and disk.
 *
 * <p>Reports are monotonic in bytesDone, never above bytesTotal, start with (0, total) and end
 * with (total, total). None is made once {@link #stopWatching} returned but for the final one,
 * which the copying thread makes before the operation's future completes. When nobody listens
 * ({@link Progress#NONE}) nothing is counted or sampled at all. A clone ({@code --reflink})
 * writes no bytes, so it reports nothing between its first and last report; it is quick.
 */
final class CopyProgress {

  static final Duration INTERVAL = Duration.ofMillis(250);

  private static final Logger LOG = LoggerFactory.getLogger(CopyProgress.class);

  private final Progress listener;
  private final Vertx vertx;
  private final WorkerExecutor walker;
  private final Duration interval;

  // Guarded by this: a sample reports and schedules the next one only while still watching.
  private boolean watching;
  private long timer = -1;
  private CopyingProcess copying;
  private long total = -1;
  private long done;

  CopyProgress(Progress listener, Vertx vertx, WorkerExecutor walker) {
    this(listener, vertx, walker, INTERVAL);
  }

  CopyProgress(Progress listener, Vertx vertx, WorkerExecutor walker, Duration interval) {
    this.listener = listener;
    this.vertx = vertx;
    this.walker = walker;
    this.interval = interval;
  }

  /**
   * Counts {@code source}, reports (0, total), then samples {@code process}, which copies it into
   * {@code partial}, from time to time until {@link #stopWatching}. Blocking (one stat of every
   * source file): called on the copying thread once cp runs, which would otherwise only wait for
   * it, so the count runs beside the copy rather than before it. A source that cannot be counted
   * costs the copy its progress reports, not the copy.
   */
  void watching(ProcessHandle process, Path source, Path partial) {
    if (listener == Progress.NONE) {
      return;
    }
    long bytes;
    try {
      bytes = DirectoryUsage.regularFileBytes(source);
    } catch (IOException e) {
      LOG.warn("cannot count the bytes of {} ({}); its copy reports no progress", source, e.toString());
      return;
    }
    synchronized (this) {
      total = bytes;
      done = 0;
      listener.report(0, total);
      if (total > 0) {
        copying = new CopyingProcess(process.pid(), partial);
        watching = true;
        timer = vertx.setTimer(interval.toMillis(), id -> sample());
      }
    }
  }

  /** Ends the samples: none reports after this returns, though one may still be running. */
  synchronized void stopWatching() {
    watching = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Reports (total, total) once the copy is complete. */
  void finished() {
    stopWatching();
    synchronized (this) {
      if (total >= 0) {
        done = total;
        listener.report(total, total);
      }
    }
  }

  /** The bytes counted in the source, or -1 when none were (nobody listens, or it failed). */
  synchronized long total() {
    return total;
  }

  private void sample() {
    CopyingProcess sampled;
    synchronized (this) {
      if (!watching) {
        return;
      }
      timer = -1;
      sampled = copying;
    }
    walker.executeBlocking(() -> {
      long bytes = sampled.bytesWritten();
      synchronized (this) {
        // A process that is gone (bytes < 0) has finished: the copying thread reports the rest.
        if (watching && bytes >= 0) {
          // A source in use may grow while it is copied: the total stays what was promised.
          long capped = Math.min(bytes, total);
          if (capped > done) {
            done = capped;
            listener.report(done, total);
          }
          timer = vertx.setTimer(interval.toMillis(), id -> sample());
        }
      }
      return null;
    }, false).onFailure(e -> LOG.debug("progress sample of {} failed: {}", sampled, e.toString()));
  }
}
