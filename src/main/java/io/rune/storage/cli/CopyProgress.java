package io.rune.storage.cli;

import io.rune.storage.model.PhaseField;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How far a snapshot's or a restore's copy has come ({@code status.progress}), while it is
 * copying: the field stays after the copy, but then it is history, not progress.
 */
record CopyProgress(long bytesDone, long bytesTotal) {

  /** The object's progress if it is copying now (Creating or Provisioning) and reports one, else null. */
  static CopyProgress of(JsonNode object) {
    JsonNode status = object.path("status");
    JsonNode progress = status.path("progress");
    boolean copying = status.path(PhaseField.NAME).asText().matches("Creating|Provisioning");
    long total = progress.path("bytesTotal").asLong(0);
    return copying && total > 0 ? new CopyProgress(progress.path("bytesDone").asLong(0), total) : null;
  }

  int percent() {
    return (int) Math.min(100, bytesDone * 100 / bytesTotal);
  }

  /** {@code 33% (512Mi of 1.5Gi)}. */
  String text() {
    return percent() + "% (" + Sizes.bytes(bytesDone) + " of " + Sizes.bytes(bytesTotal) + ")";
  }
}
