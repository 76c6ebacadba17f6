package io.rune.storage.model;

import io.rune.storage.model.ServiceStatus.ReplicaPhase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One replica of a service ({@code status.replicas[]}): where it runs, its phase and why,
 * its mounts, and the retry schedule of a failed mount. Fields this record does not name
 * are kept in {@code extra}.
 */
public record ReplicaStatus(
    int ordinal,
    String instance,
    String node,
    ReplicaPhase phase,
    String reason,
    String message,
    JsonArray mounts,
    Integer mountAttempts,
    Instant nextAttemptAt,
    JsonObject extra) {

  /** The replicas of a stored {@code status.replicas} (none when absent). */
  static List<ReplicaStatus> list(JsonArray replicas) {
    if (replicas == null) {
      return List.of();
    }
    return replicas.stream().map(r -> from((JsonObject) r)).toList();
  }

  /** The fields this record names; any other stays in {@link #extra}. */
  private static final Set<String> NAMED = Set.of("ordinal", "instance", "node", "phase", "reason", "message",
      "mounts", "mountAttempts", "nextAttemptAt");

  public ReplicaStatus {
    phase = phase == null ? ReplicaPhase.values()[0] : phase;
    mounts = mounts == null ? null : mounts.copy();
    extra = extra == null ? new JsonObject() : extra.copy();
  }

  /**
   * The status as stored (null: none yet); an unknown phase word is an
   * IllegalArgumentException, as a row this server did not write.
   */
  public static ReplicaStatus from(JsonObject status) {
    JsonObject json = status == null ? new JsonObject() : status;
    return new ReplicaStatus(json.getInteger("ordinal", 0),
        json.getString("instance"),
        json.getString("node"),
        PhaseField.read(json, ReplicaPhase.class),
        json.getString("reason"),
        json.getString("message"),
        json.getJsonArray("mounts"),
        json.getInteger("mountAttempts"),
        StatusFields.instant(json, "nextAttemptAt"),
        StatusFields.rest(json, NAMED));
  }

  /** The stored (and served) form: the fields named here, then those kept in {@link #extra}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.put("ordinal", ordinal);
    StatusFields.put(json, "instance", instance);
    StatusFields.put(json, "node", node);
    PhaseField.with(json, phase);
    StatusFields.put(json, "reason", reason);
    StatusFields.put(json, "message", message);
    StatusFields.put(json, "mounts", mounts);
    StatusFields.put(json, "mountAttempts", mountAttempts);
    StatusFields.put(json, "nextAttemptAt", nextAttemptAt);
    return json.mergeIn(extra.copy());
  }

  public ReplicaStatus withOrdinal(int ordinal) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withInstance(String instance) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withNode(String node) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withPhase(ReplicaPhase phase) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withReason(String reason) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withMessage(String message) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withMounts(JsonArray mounts) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withMountAttempts(Integer mountAttempts) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }

  public ReplicaStatus withNextAttemptAt(Instant nextAttemptAt) {
    return new ReplicaStatus(ordinal, instance, node, phase, reason, message, mounts, mountAttempts, nextAttemptAt,
        extra);
  }
}
