package io.rune.storage.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A Volume's status: its phase (STORAGE.md's lifecycle), the attempt cycle's fields, what
 * provisioning recorded, and its binding. The JSON form (API.md) is read and written here
 * only ({@link #from}, {@link #toJson}); fields this record does not name are kept in
 * {@code extra} and written back as they were. {@code releasing} names the replica whose
 * failed release (unmount, detach) is being retried.
 */
public record VolumeStatus(
    Phase phase,
    String reason,
    String message,
    int attempts,
    Instant nextAttemptAt,
    Instant lastTransitionAt,
    String handle,
    String driver,
    String node,
    JsonObject classParameters,
    JsonObject topology,
    String ownerService,
    String boundClaim,
    List<String> boundClaims,
    String boundNode,
    String lastClaim,
    boolean detachRequested,
    ProgressStatus progress,
    String capacity,
    String expandingTo,
    Instant lastDetachRequestAt,
    String releasing,
    ScheduleStatus schedule,
    UsageStatus usage,
    List<StatusCondition> conditions,
    JsonObject extra) implements AttemptStatus<VolumeStatus> {

  public enum Phase {
    Pending, Provisioning, Available, Bound, Released, Failed, Stalled, Deleting
  }

  /** Phases in which a controller has something to do (Failed: when a retry is due). */
  public static final Set<Phase> NEEDS_WORK = EnumSet.of(Phase.Pending, Phase.Provisioning, Phase.Failed,
      Phase.Deleting);

  /** Reasons the server names (a driver may add its own word for a fault, such as HostPathBlocked). */
  public static final String DELETION_REQUESTED = "DeletionRequested";
  public static final String RETRY_REQUESTED = "RetryRequested";
  public static final String DELETE_RETRIES_EXHAUSTED = "DeleteRetriesExhausted";
  public static final String TOPOLOGY_UNSATISFIED = "TopologyUnsatisfied";
  public static final String PROVISIONING = "Provisioning";
  public static final String PROVISIONED = "Provisioned";
  public static final String BOUND = "Bound";
  public static final String RELEASED = "Released";
  public static final String DETACH_REQUESTED = "DetachRequested";
  public static final String EXPANSION_REQUESTED = "ExpansionRequested";
  public static final String EXPANDING = "Expanding";
  public static final String EXPANSION_WAITS_FOR_DETACH = "ExpansionWaitsForDetach";

  /** The status of a volume as it is stored. */
  public static VolumeStatus of(ApiObject volume) {
    return from(volume.status());
  }

  /** The replicas the volume is bound to: boundClaims, or the single boundClaim an older row has. */
  public List<String> claims() {
    if (boundClaims != null) {
      return boundClaims;
    }
    return phase == Phase.Bound && boundClaim != null ? List.of(boundClaim) : List.of();
  }

  /** The replica a Released volume waits for (rows released before lastClaim kept it in boundClaim). */
  public String waitsFor() {
    return lastClaim != null ? lastClaim : boundClaim;
  }

  /** Bound to {@code claim}, the only replica: boundClaims says so too, and lastClaim is forgotten. */
  public VolumeStatus boundTo(String claim, String node) {
    return withPhase(Phase.Bound).withBoundClaim(claim).withBoundClaims(List.of(claim)).withBoundNode(node)
        .withLastClaim(null);
  }

  /** Released by {@code claim}: no binding is left, and lastClaim keeps the replica (the re-bind rule uses it). */
  public VolumeStatus releasedBy(String claim) {
    return withPhase(Phase.Released).withLastClaim(claim).withBoundClaim(null).withBoundClaims(null)
        .withBoundNode(null);
  }

  @Override
  public boolean deleting() {
    return phase == Phase.Deleting;
  }

  @Override
  public boolean troubled() {
    return phase == Phase.Failed || phase == Phase.Stalled || deletionFailing();
  }

  @Override
  public boolean retryable() {
    return phase == Phase.Failed || phase == Phase.Stalled || (phase == Phase.Deleting && stopped())
        || expansionStopped();
  }

  /** Whether the storage is provisioned (and not being deleted): the phases in which it can grow. */
  private boolean provisioned() {
    return phase == Phase.Available || phase == Phase.Bound || phase == Phase.Released;
  }

  /**
   * Whether the volume has expansion work (STORAGE.md "Expansion"): {@code expandingTo},
   * present from the write that raised {@code size} until the driver grew the storage, marks
   * a provisioned volume whatever its phase (the store indexes the marker, so a resync finds
   * such volumes without reading every row).
   */
  public boolean expansionRequested() {
    return expandingTo != null && provisioned();
  }

  /**
   * Whether a growth stopped, waiting for the retry verb: its retries are exhausted, or it
   * failed in a way retrying cannot fix; an attempt in flight (Expanding) has no next
   * attempt time either.
   */
  public boolean expansionStopped() {
    return expansionRequested() && stopped() && !EXPANDING.equals(reason);
  }

  /**
   * The size provisioned. Rows made before capacity was recorded have none: they were made at
   * their {@code size} (stored growth did nothing then), so that is their capacity.
   */
  public String capacityOr(String size) {
    return capacity != null ? capacity : size;
  }

  /**
   * The status a write of the spec's {@code size} stores: when it asks for more than the
   * capacity of provisioned storage, the growth starts (marker, reason, and the attempts of
   * the operation reset); else this status. A row without capacity (made before it was
   * recorded) counts as growing on any spec change: the expand is idempotent, and it records
   * the capacity.
   */
  public VolumeStatus afterSizeWrite(String size) {
    if (!provisioned() || size.equals(expandingTo)) {
      return this; // not provisioned yet (made at the new size), being deleted, or that growth is under way
    }
    if (capacity != null && Quantity.parseBytes("size", size) <= Quantity.parseBytes("size", capacity)) {
      return this;
    }
    return withExpandingTo(size).withAttempt(null, 0, EXPANSION_REQUESTED,
        "growing to " + size + (capacity != null ? " from " + capacity : "") + " was requested", null);
  }

  @Override
  public VolumeStatus retried(Instant now) {
    if (expansionStopped()) {
      return withAttempt(null, 0, RETRY_REQUESTED, "expansion retry requested", null).withLastTransitionAt(now);
    }
    boolean deleting = phase == Phase.Deleting;
    return withAttempt(deleting ? Phase.Deleting : Phase.Pending, 0, RETRY_REQUESTED,
        (deleting ? "deletion" : "provisioning") + " retry requested", null).withLastTransitionAt(now);
  }

  @Override
  public VolumeStatus withAttempt(Enum<?> phase, int attempts, String reason, String message,
      Instant nextAttemptAt) {
    return (phase == null ? this : withPhase((Phase) phase)).withAttempts(attempts).withReason(reason)
        .withMessage(message).withNextAttemptAt(nextAttemptAt);
  }

  /** The fields this record names; any other stays in {@link #extra}. */
  private static final Set<String> NAMED = Set.of("phase", "reason", "message", "attempts", "nextAttemptAt",
      "lastTransitionAt", "handle", "driver", "node", "classParameters", "topology", "ownerService", "boundClaim",
      "boundClaims", "boundNode", "lastClaim", "detachRequested", "progress", "capacity", "expandingTo",
      "lastDetachRequestAt", "releasing", "schedule", "usage", "conditions");

  public VolumeStatus {
    phase = phase == null ? Phase.values()[0] : phase;
    classParameters = classParameters == null ? null : classParameters.copy();
    topology = topology == null ? null : topology.copy();
    boundClaims = boundClaims == null ? null : List.copyOf(boundClaims);
    conditions = conditions == null || conditions.isEmpty() ? null : List.copyOf(conditions);
    extra = extra == null ? new JsonObject() : extra.copy();
  }

  /**
   * The status as stored (null: none yet); an unknown phase word is an
   * IllegalArgumentException, as a row this server did not write.
   */
  public static VolumeStatus from(JsonObject status) {
    JsonObject json = status == null ? new JsonObject() : status;
    return new VolumeStatus(PhaseField.read(json, Phase.class),
        json.getString("reason"),
        json.getString("message"),
        json.getInteger("attempts", 0),
        StatusFields.instant(json, "nextAttemptAt"),
        StatusFields.instant(json, "lastTransitionAt"),
        json.getString("handle"),
        json.getString("driver"),
        json.getString("node"),
        json.getJsonObject("classParameters"),
        json.getJsonObject("topology"),
        json.getString("ownerService"),
        json.getString("boundClaim"),
        StatusFields.strings(json.getJsonArray("boundClaims")),
        json.getString("boundNode"),
        json.getString("lastClaim"),
        json.getBoolean("detachRequested", false),
        ProgressStatus.from(json.getJsonObject("progress")),
        json.getString("capacity"),
        json.getString("expandingTo"),
        StatusFields.instant(json, "lastDetachRequestAt"),
        json.getString("releasing"),
        ScheduleStatus.from(json.getJsonObject("schedule")),
        UsageStatus.from(json.getJsonObject("usage")),
        StatusCondition.from(json.getJsonArray("conditions")),
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
    StatusFields.put(json, "classParameters", classParameters);
    StatusFields.put(json, "topology", topology);
    StatusFields.put(json, "ownerService", ownerService);
    StatusFields.put(json, "boundClaim", boundClaim);
    StatusFields.put(json, "boundClaims",
        boundClaims == null ? null : new JsonArray(new ArrayList<Object>(boundClaims)));
    StatusFields.put(json, "boundNode", boundNode);
    StatusFields.put(json, "lastClaim", lastClaim);
    if (detachRequested) {
      json.put("detachRequested", true);
    }
    StatusFields.put(json, "progress", progress == null ? null : progress.toJson());
    StatusFields.put(json, "capacity", capacity);
    StatusFields.put(json, "expandingTo", expandingTo);
    StatusFields.put(json, "lastDetachRequestAt", lastDetachRequestAt);
    StatusFields.put(json, "releasing", releasing);
    StatusFields.put(json, "schedule", schedule == null ? null : schedule.toJson());
    StatusFields.put(json, "usage", usage == null ? null : usage.toJson());
    StatusFields.put(json, "conditions", conditions == null ? null : StatusCondition.toJson(conditions));
    return json.mergeIn(extra.copy());
  }

  public VolumeStatus withPhase(Phase phase) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withReason(String reason) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withMessage(String message) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withAttempts(int attempts) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withNextAttemptAt(Instant nextAttemptAt) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withLastTransitionAt(Instant lastTransitionAt) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withHandle(String handle) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withDriver(String driver) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withNode(String node) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withClassParameters(JsonObject classParameters) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withTopology(JsonObject topology) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withOwnerService(String ownerService) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withBoundClaim(String boundClaim) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withBoundClaims(List<String> boundClaims) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withBoundNode(String boundNode) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withLastClaim(String lastClaim) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withDetachRequested(boolean detachRequested) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withProgress(ProgressStatus progress) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withCapacity(String capacity) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withExpandingTo(String expandingTo) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withLastDetachRequestAt(Instant lastDetachRequestAt) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withReleasing(String releasing) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withSchedule(ScheduleStatus schedule) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  public VolumeStatus withUsage(UsageStatus usage) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  /** With these conditions; an empty list removes {@code status.conditions}. */
  public VolumeStatus withConditions(List<StatusCondition> conditions) {
    return new VolumeStatus(phase, reason, message, attempts, nextAttemptAt, lastTransitionAt, handle, driver,
        node, classParameters, topology, ownerService, boundClaim, boundClaims, boundNode, lastClaim,
        detachRequested, progress, capacity, expandingTo, lastDetachRequestAt, releasing, schedule, usage, conditions,
        extra);
  }

  /** The conditions, none as an empty list. */
  public List<StatusCondition> conditionsOrNone() {
    return conditions == null ? List.of() : conditions;
  }
}
