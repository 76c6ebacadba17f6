package io.rune.storage.driver;

/**
 * A snapshot of the volume {@code volumeHandle}. The snapshot handle derives from
 * {@code snapshotUid}, so a repeated request finds the first one's snapshot.
 */
public record SnapshotRequest(String volumeHandle, String snapshotUid, String snapshotName, String namespace) {}
