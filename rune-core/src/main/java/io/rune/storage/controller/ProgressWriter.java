package io.rune.storage.controller;

import io.rune.storage.driver.Progress;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ProgressStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Writes a driver's progress reports into the object's {@code status.progress}
 * ({@code bytesDone}, {@code bytesTotal}), at most once a second, so that a long copy shows
 * on the watch stream without a write per report. Each write is at the version the last one
 * left; the reconciler continues from {@link #finish()}'s object. Used on the reconciler's
 * event-loop context (where the driver's reports are delivered).
 */
final class ProgressWriter implements Progress {
  static final long MIN_INTERVAL_MILLIS = 1000;

  private final StatusWrites writes;
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
  }

  @Override
  public void report(long bytesDone, long bytesTotal) {
    if (stopped) {
      return;
    }
    pending = new long[] {bytesDone, bytesTotal};
    if (!writing && System.currentTimeMillis() - lastWriteAt >= MIN_INTERVAL_MILLIS) {
      writePending();
    }
  }

  /**
   * Stops writing and gives the object as the last progress write left it, once no write is
   * in flight; fails with {@link StatusWrites.Moved} when someone else changed the row.
   */
  Future<ApiObject> finish() {
    stopped = true;
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
