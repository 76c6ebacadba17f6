package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;

/** A Snapshot's status: its phases, read and written here only; other fields stay untouched. */
public final class SnapshotStatus {
  private SnapshotStatus() {}

  public enum Phase {
    Pending, Creating, Ready, Failed, Deleting
  }

  /** Phases in which the snapshot controller has something to do (Failed: when a retry is due). */
  public static final Set<Phase> NEEDS_WORK = EnumSet.of(Phase.Pending, Phase.Creating, Phase.Failed,
      Phase.Deleting);

  public static Phase phase(JsonObject status) {
    return PhaseField.read(status, Phase.class);
  }
}
