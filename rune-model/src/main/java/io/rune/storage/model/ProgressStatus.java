package io.rune.storage.model;

import io.vertx.core.json.JsonObject;

/** How far a copy (a snapshot, a restore) has got: {@code status.progress}. */
public record ProgressStatus(long bytesDone, long bytesTotal) {
  /** The progress of a stored {@code status.progress}, or null when there is none. */
  static ProgressStatus from(JsonObject progress) {
    return progress == null ? null
        : new ProgressStatus(progress.getLong("bytesDone", 0L), progress.getLong("bytesTotal", 0L));
  }

  /** A finished copy: all of {@code bytesTotal} done. */
  public ProgressStatus done() {
    return new ProgressStatus(bytesTotal, bytesTotal);
  }

  JsonObject toJson() {
    return new JsonObject().put("bytesDone", bytesDone).put("bytesTotal", bytesTotal);
  }
}
