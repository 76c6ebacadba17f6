package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rune.storage.model.ObjectStatus;
import io.rune.storage.model.ProgressStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;

/**
 * How far a snapshot's or a restore's copy has come ({@code status.progress}), while it is
 * copying: the field stays after the copy, but then it is history, not progress.
 */
record CopyProgress(long bytesDone, long bytesTotal) {

  /** The object's progress if it is copying now (Creating or Provisioning) and reports one, else null. */
  static CopyProgress of(ResourceType type, JsonNode object) {
    ObjectStatus<?> status = ServedStatus.of(type, object);
    ProgressStatus progress = null;
    if (status instanceof VolumeStatus volume && volume.phase() == VolumeStatus.Phase.Provisioning) {
      progress = volume.progress();
    } else if (status instanceof SnapshotStatus snapshot && snapshot.phase() == SnapshotStatus.Phase.Creating) {
      progress = snapshot.progress();
    }
    return progress != null && progress.bytesTotal() > 0
        ? new CopyProgress(progress.bytesDone(), progress.bytesTotal()) : null;
  }

  int percent() {
    return (int) Math.min(100, bytesDone * 100 / bytesTotal);
  }

  /** {@code 33% (512Mi of 1.5Gi)}. */
  String text() {
    return percent() + "% (" + Sizes.bytes(bytesDone) + " of " + Sizes.bytes(bytesTotal) + ")";
  }
}
