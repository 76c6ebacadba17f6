package io.rune.storage.controller;

import java.util.Set;

/** The phases of a snapshot, as status.phase spells them. */
public final class SnapshotPhase {
  public static final String PENDING = "Pending";
  public static final String CREATING = "Creating";
  public static final String READY = "Ready";
  public static final String FAILED = "Failed";
  public static final String DELETING = "Deleting";

  /** Phases in which the snapshot controller has something to do (Failed: when a retry is due). */
  public static final Set<String> NEEDS_WORK = Set.of(PENDING, CREATING, FAILED, DELETING);

  private SnapshotPhase() {}
}
