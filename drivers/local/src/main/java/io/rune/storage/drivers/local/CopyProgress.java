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
 * How far one copy is (STORAGE.md, "Snapshots": progress in status): the bytes of regular
 * files in the partial against those of the source, counted as {@link DirectoryUsage} counts
 * them. {@code cp} tells nothing while it runs, so the partial is walked now and then on a
 * walker thread of the driver's own, never on the copying thread or an event loop.
 *
 * <p>The walk competes with {@code cp} for the disk, and a snapshot should take little longer
 * than a plain {@code cp -a}: walks are at least {@link #MIN_INTERVAL} apart, and after a walk
 * that took d the next waits at least {@value #WALK_SHARE} × d, so walking takes at most about
 * a tenth of the copy's time however large the tree.
 *
 * <p>Reports are monotonic in bytesDone, never above bytesTotal, start with (0, total) and end
 * with (total, total). None is made once {@link #stopWatching} returned but for the final one,
 * which the copying thread makes before the operation's future completes. When nobody listens
 * ({@link Progress#NONE}) nothing is counted at all.
 */
final class CopyProgress {

  static final Duration MIN_INTERVAL = Duration.ofMillis(500);
  static final int WALK_SHARE = 10;

  private static final Logger LOG = LoggerFactory.getLogger(CopyProgress.class);

  private final Progress listener;
  private final Vertx vertx;
  private final WorkerExecutor walker;
  private final Duration minInterval;

  // Guarded by this: a walk reports and schedules the next one only while still watching.
  private boolean watching;
  private long timer = -1;
  private Path partial;
  private long total = -1;
  private long done;

  CopyProgress(Progress listener, Vertx vertx, WorkerExecutor walker) {
    this(listener, vertx, walker, MIN_INTERVAL);
  }

  CopyProgress(Progress listener, Vertx vertx, WorkerExecutor walker, Duration minInterval) {
    this.listener = listener;
    this.vertx = vertx;
    this.walker = walker;
    this.minInterval = minInterval;
  }

  /**
   * Counts {@code source}, reports (0, total) and walks {@code partial} from time to time
   * until {@link #stopWatching}. Blocking (the count). A source that cannot be counted costs
   * the copy its progress reports, not the copy.
   */
  void startWatching(Path source, Path partial) {
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
      this.partial = partial;
      total = bytes;
      done = 0;
      watching = true;
      listener.report(0, total);
      if (total > 0) {
        timer = vertx.setTimer(minInterval.toMillis(), id -> walk());
      }
    }
  }

  /** Ends the walks: no walk reports after this returns, though one may still be running. */
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

  /** How long to wait after a walk that took {@code walkNanos}. */
  static long nextDelayMillis(Duration minInterval, long walkNanos) {
    return Math.max(minInterval.toMillis(), Duration.ofNanos(walkNanos).multipliedBy(WALK_SHARE).toMillis());
  }

  private void walk() {
    Path walked;
    synchronized (this) {
      if (!watching) {
        return;
      }
      timer = -1;
      walked = partial;
    }
    walker.executeBlocking(() -> {
      long started = System.nanoTime();
      long bytes = -1;
      try {
        bytes = DirectoryUsage.regularFileBytes(walked);
      } catch (IOException e) {
        // cp may be changing modes under the walk; the next walk will do.
        LOG.debug("cannot measure partial copy {}: {}", walked, e.toString());
      }
      long delay = nextDelayMillis(minInterval, System.nanoTime() - started);
      synchronized (this) {
        if (watching) {
          // A source in use may grow while it is copied; the total stays what was promised.
          long capped = Math.min(bytes, total);
          if (capped > done) {
            done = capped;
            listener.report(done, total);
          }
          timer = vertx.setTimer(delay, id -> walk());
        }
      }
      return null;
    }, false).onFailure(e -> LOG.debug("progress walk of {} failed: {}", walked, e.toString()));
  }
}
