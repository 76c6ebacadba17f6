package io.rune.storage.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A Service's status: Active or Deleting (with cascade: its volumes go too), and its
 * replicas ({@link ReplicaStatus}). Read and written as JSON here only; fields this record
 * does not name are kept in {@code extra}.
 */
public record ServiceStatus(
    Phase phase,
    String reason,
    String message,
    Instant lastTransitionAt,
    List<ReplicaStatus> replicas,
    int readyReplicas,
    Boolean cascade,
    JsonObject extra) implements ObjectStatus<ServiceStatus> {

  public enum Phase {
    Active, Deleting
  }

  /** A replica's phase: Pending (waiting for its volumes, saying why), Ready, or Failed (its runner said so). */
  public enum ReplicaPhase {
    Pending, Ready, Failed
  }

  public static final Set<Phase> NEEDS_WORK = Set.of(Phase.values());

  /** The status of a service as it is stored. */
  public static ServiceStatus of(ApiObject service) {
    return from(service.status());
  }

  @Override
  public boolean deleting() {
    return phase == Phase.Deleting;
  }

  /** A service's own status never fails (its replicas say what is wrong, each in its own line). */
  @Override
  public boolean troubled() {
    return false;
  }

  /** Whether deleting the service deletes its volumes too. */
  public boolean cascades() {
    return Boolean.TRUE.equals(cascade);
  }

  /** The fields this record names; any other stays in {@link #extra}. */
  private static final Set<String> NAMED = Set.of("phase", "reason", "message", "lastTransitionAt", "replicas",
      "readyReplicas", "cascade");

  public ServiceStatus {
    phase = phase == null ? Phase.values()[0] : phase;
    replicas = replicas == null ? null : List.copyOf(replicas);
    extra = extra == null ? new JsonObject() : extra.copy();
  }

  /**
   * The status as stored (null: none yet); an unknown phase word is an
   * IllegalArgumentException, as a row this server did not write.
   */
  public static ServiceStatus from(JsonObject status) {
    JsonObject json = status == null ? new JsonObject() : status;
    return new ServiceStatus(PhaseField.read(json, Phase.class),
        json.getString("reason"),
        json.getString("message"),
        StatusFields.instant(json, "lastTransitionAt"),
        ReplicaStatus.list(json.getJsonArray("replicas")),
        json.getInteger("readyReplicas", 0),
        json.getBoolean("cascade"),
        StatusFields.rest(json, NAMED));
  }

  /** The stored (and served) form: the fields named here, then those kept in {@link #extra}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    PhaseField.with(json, phase);
    StatusFields.put(json, "reason", reason);
    StatusFields.put(json, "message", message);
    StatusFields.put(json, "lastTransitionAt", lastTransitionAt);
    json.put("replicas",
        new JsonArray(replicas == null ? List.of() : replicas.stream().map(ReplicaStatus::toJson).toList()));
    json.put("readyReplicas", readyReplicas);
    StatusFields.put(json, "cascade", cascade);
    return json.mergeIn(extra.copy());
  }

  public ServiceStatus withPhase(Phase phase) {
    return new ServiceStatus(phase, reason, message, lastTransitionAt, replicas, readyReplicas, cascade, extra);
  }

  public ServiceStatus withReason(String reason) {
    return new ServiceStatus(phase, reason, message, lastTransitionAt, replicas, readyReplicas, cascade, extra);
  }

  public ServiceStatus withMessage(String message) {
    return new ServiceStatus(phase, reason, message, lastTransitionAt, replicas, readyReplicas, cascade, extra);
  }

  public ServiceStatus withLastTransitionAt(Instant lastTransitionAt) {
    return new ServiceStatus(phase, reason, message, lastTransitionAt, replicas, readyReplicas, cascade, extra);
  }

  public ServiceStatus withReplicas(List<ReplicaStatus> replicas) {
    return new ServiceStatus(phase, reason, message, lastTransitionAt, replicas, readyReplicas, cascade, extra);
  }

  public ServiceStatus withReadyReplicas(int readyReplicas) {
    return new ServiceStatus(phase, reason, message, lastTransitionAt, replicas, readyReplicas, cascade, extra);
  }

  public ServiceStatus withCascade(Boolean cascade) {
    return new ServiceStatus(phase, reason, message, lastTransitionAt, replicas, readyReplicas, cascade, extra);
  }
}
