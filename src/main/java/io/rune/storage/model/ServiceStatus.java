package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;

/**
 * A Service's status and its replicas' ({@code status.replicas[]}): their phases, read and
 * written here only; other fields stay untouched.
 */
public final class ServiceStatus {
  private ServiceStatus() {}

  public enum Phase {
    Active, Deleting
  }

  /** A replica's phase: Pending (waiting for its volumes, saying why), Ready, or Failed (its runner said so). */
  public enum ReplicaPhase {
    Pending, Ready, Failed
  }

  public static final Set<Phase> NEEDS_WORK = EnumSet.allOf(Phase.class);

  public static Phase phase(JsonObject status) {
    return PhaseField.read(status, Phase.class);
  }

  public static ReplicaPhase replicaPhase(JsonObject replica) {
    return PhaseField.read(replica, ReplicaPhase.class);
  }
}
