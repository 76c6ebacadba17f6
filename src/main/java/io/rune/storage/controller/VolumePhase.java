package io.rune.storage.controller;

import java.util.Set;

/** The phases of STORAGE.md's volume lifecycle, as status.phase spells them. */
public final class VolumePhase {
  public static final String PENDING = "Pending";
  public static final String PROVISIONING = "Provisioning";
  public static final String AVAILABLE = "Available";
  public static final String BOUND = "Bound";
  public static final String RELEASED = "Released";
  public static final String FAILED = "Failed";
  public static final String STALLED = "Stalled";
  public static final String DELETING = "Deleting";

  /** Phases in which a controller has something to do (Failed: when a retry is due). */
  public static final Set<String> NEEDS_WORK = Set.of(PENDING, PROVISIONING, FAILED, DELETING);

  private VolumePhase() {}
}
