package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A Snapshot's status: its phase, the attempt cycle's fields, and what the copy was made
 * of and with (so it stays restorable, and deletable, after its volume and class are gone).
 * Read and written as JSON here only; fields this record does not name are kept in
 * {@code extra}.
 */
public record SnapshotStatus(
    Phase phase,
    String reason,
    String message,
    int attempts,
    Instant nextAttemptAt,
    Instant lastTransitionAt,
    String handle,
    String driver,
    String node,
    String storageClassName,
    JsonObject classParameters,
    String sourceSize,
    Long sizeBytes,
    String sourceVolumeUid,
    String sourceHandle,
    ProgressStatus progress,
    Instant readyAt,
    String method,
    Double methodSeconds,
    JsonObject extra) implements AttemptStatus<SnapshotStatus> {

  public enum Phase {
    Pending, Creating, Ready, Failed, Deleting
  }

  /** Phases in which the snapshot controller has something to do (Failed: when a retry is due). */
  public static final Set<Phase> NEEDS_WORK = EnumSet.of(Phase.Pending, Phase.Creating, Phase.Failed,
      Phase.Deleting);

  public static final String CREATING = "Creating";
  public static final String READY = "Ready";
  public static final String WAITING_FOR_VOLUME = "WaitingForVolume";

  /** The status of a snapshot as it is stored. */
  public static SnapshotStatus of(ApiObject snapshot) {
    return from(snapshot.status());
  }

  @Override
  public boolean deleting() {
    return phase == Phase.Deleting;
  }

  @Override
  public boolean troubled() {
    return phase == Phase.Failed || deletionFailing();
  }

  @Override
  public boolean retryable() {
    return phase == Phase.Failed || (phase == Phase.Deleting && stopped());
  }

  @Override
  public SnapshotStatus retried(Instant now) {
    boolean deleting = phase == Phase.Deleting;
    return withAttempt(deleting ? Phase.Deleting : Phase.Pending, 0, VolumeStatus.RETRY_REQUESTED,
        (deleting ? "deletion" : "snapshot") + " retry requested", null).withLastTransitionAt(now);
  }

  @Override
  public SnapshotStatus withAttempt(Enum<?> phase, int attempts, String reason, String message,
      Instant nextAttemptAt) {
    return (phase == null ? this : withPhase((Phase) phase)).withAttempts(attempts).withReason(reason)
        .withMessage(message).withNextAttemptAt(nextAttemptAt);
  }

  /** The fields this record names; any other stays in {@link #extra}. */
  private static final Set<String> NAMED = Set.of("phase", "reason", "message", "attempts", "nextAttemptAt",
      "lastTransitionAt", "handle", "driver", "node", "storageClassName", "classParameters", "sourceSize",
      "sizeBytes", "sourceVolumeUid", "sourceHandle", "progress", "readyAt", "method", "methodSeconds");

  public SnapshotStatus {
    phase = phase == null ? Phase.values()[0] : phase;
    classParameters = classParameters == null ? null : classParameters.copy();
    extra = extra == null ? new JsonObject() : extra.copy();
  }

  /**
   * The status as stored (null: none yet); an unknown phase word is an
   * IllegalArgumentException, as a row this server did not write.
   */
  public static SnapshotStatus from(JsonObject status) {
    JsonObject json = status == null ? new JsonObject() : status;
    return new SnapshotStatus(PhaseField.read(json, Phase.class),
        json.getString("reason"),
        json.getString("message"),
        json.getInteger("attempts", 0),
        StatusFields.instant(json, "nextAttemptAt"),
        StatusFields.instant(json, "lastTransitionAt"),
        json.getString("handle"),
        json.getString("driver"),
        json.getString("node"),
        json.getString("storageClassName"),
        json.getJsonObject("classParameters"),
        json.getString("sourceSize"),
        json.getLong("sizeBytes"),
        json.getString("sourceVolumeUid"),
        json.getString("sourceHandle"),
        ProgressStatus.from(json.getJsonObject("progress")),
        StatusFields.instant(json, "readyAt"),
        json.getString("method"),
        json.getDouble("methodSeconds"),
        StatusFields.rest(json, NAMED));
  }

  /** The stored (and served) form: the fields named here, then those kept in {@link #extra}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    PhaseField.with(json, phase);
    StatusFields.put(json, "reason", reason);
    StatusFields.put(json, "message", message);
    json.put("attempts", attempts);
    StatusFields.put(json, "nextAttemptAt", nextAttemptAt);
    StatusFields.put(json, "lastTransitionAt", lastTransitionAt);
    StatusFields.put(json, "handle", handle);
    StatusFields.put(json, "driver", driver);
    StatusFields.put(json, "node", node);
    StatusFields.put(json, "storageClassName", storageClassName);
    StatusFields.put(json, "classParameters", classParameters);
    StatusFields.put(json, "sourceSize", sourceSize);
    StatusFields.put(json, "sizeBytes", sizeBytes);
    StatusFields.put(json, "sourceVolumeUid", sourceVolumeUid);
    StatusFields.put(json, "sourceHandle", sourceHandle);
    StatusFields.put(json, "progress", progress == null ? null : progress.toJson());
    StatusFields.put(json, "readyAt", readyAt);
    StatusFields.put(json, "method", method);
    StatusFields.put(json, "methodSeconds", methodSeconds);
    return json.mergeIn(extra.copy());
  }

  public SnapshotStatus withPhase(Phase phase) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withReason(String reason) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withMessage(String message) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withAttempts(int attempts) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withNextAttemptAt(Instant nextAttemptAt) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withLastTransitionAt(Instant lastTransitionAt) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withHandle(String handle) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withDriver(String driver) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withNode(String node) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withStorageClassName(String storageClassName) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withClassParameters(JsonObject classParameters) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withSourceSize(String sourceSize) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withSizeBytes(Long sizeBytes) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withSourceVolumeUid(String sourceVolumeUid) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withSourceHandle(String sourceHandle) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withProgress(ProgressStatus progress) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  public SnapshotStatus withReadyAt(Instant readyAt) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  /** How the driver made the snapshot ({@code subvolume}, {@code reflink}, {@code copy}, ...). */
  public SnapshotStatus withMethod(String method) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }

  /** The seconds the driver's work took, as the controller measured them around its call. */
  public SnapshotStatus withMethodSeconds(Double methodSeconds) {
    return new SnapshotStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, storageClassName, classParameters, sourceSize, sizeBytes, sourceVolumeUid, sourceHandle, progress,
        readyAt, method, methodSeconds, extra);
  }
}
