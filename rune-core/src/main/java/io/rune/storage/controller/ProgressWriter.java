package io.rune.storage.controller;

import io.rune.storage.driver.Progress;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ProgressStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Writes a driver's progress reports into the object's {@code status.progress}
 * ({@code bytesDone}, {@code bytesTotal}), at most once a second, so that a long copy shows
 * on the watch stream without a write per report. A report that came too soon after the last
 * write is written when the second is over, even if no other report follows (a copy that
 * stalls, or a driver that reports seldom, still shows where it stands). Each write is at the
 * version the last one left; the reconciler continues from {@link #finish()}'s object. Used on
 * the reconciler's event-loop context (where the driver's reports are delivered).
 */
final class ProgressWriter implements Progress {
  static final long MIN_INTERVAL_MILLIS = 1000;

  private final StatusWrites writes;
  /** Where the reports arrive, for the timer of a report held back; null outside Vert.x. */
  private final Context context;
  private long timer = -1;
  private ApiObject latest;
  private long lastWriteAt = System.currentTimeMillis();
  private long[] pending;
  private boolean writing;
  private boolean stopped;
  private Throwable failed;
  private Promise<ApiObject> finished;

  ProgressWriter(StatusWrites writes, ApiObject object) {
    this.writes = writes;
    this.latest = object;
    this.context = Vertx.currentContext();
  }

  @Override
  public void report(long bytesDone, long bytesTotal) {
    if (stopped) {
      return;
    }
    pending = new long[] {bytesDone, bytesTotal};
    writeWhenDue();
  }

  private void writeWhenDue() {
    if (writing || pending == null || stopped || timer >= 0) {
      return;
    }
    long wait = lastWriteAt + MIN_INTERVAL_MILLIS - System.currentTimeMillis();
    if (wait <= 0) {
      writePending();
    } else if (context != null) {
      timer = context.owner().setTimer(wait, id -> context.runOnContext(v -> {
        timer = -1;
        writeWhenDue();
      }));
    }
  }

  /**
   * Stops writing and gives the object as the last progress write left it, once no write is
   * in flight; fails with {@link StatusWrites.Moved} when someone else changed the row.
   */
  Future<ApiObject> finish() {
    stopped = true;
    if (timer >= 0) {
      context.owner().cancelTimer(timer);
      timer = -1;
    }
    finished = Promise.promise();
    if (!writing) {
      complete();
    }
    return finished.future();
  }

  private void writePending() {
    long[] report = pending;
    pending = null;
    writing = true;
    lastWriteAt = System.currentTimeMillis();
    ProgressStatus progress = new ProgressStatus(report[0], report[1]);
    Future<ApiObject> written = latest.kind() == Kind.SNAPSHOT
        ? writes.writeSnapshot(latest, s -> s.withProgress(progress))
        : writes.writeVolume(latest, s -> s.withProgress(progress));
    written.onComplete(result -> {
      writing = false;
      if (result.succeeded()) {
        latest = result.result();
      } else {
        failed = result.cause();
        stopped = true;
      }
      if (finished != null) {
        complete();
      } else {
        // A report that came while this write was under way.
        writeWhenDue();
      }
    });
  }

  private void complete() {
    if (failed != null) {
      finished.tryFail(failed);
    } else {
      finished.tryComplete(latest);
    }
  }
}
