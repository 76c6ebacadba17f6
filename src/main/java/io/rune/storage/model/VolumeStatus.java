package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;

/**
 * A Volume's status: its phases (STORAGE.md's lifecycle) and the reasons it names, read
 * and written here only; fields this class does not name stay in the JSON untouched.
 */
public final class VolumeStatus {
  private VolumeStatus() {}

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

  public static Phase phase(JsonObject status) {
    return PhaseField.read(status, Phase.class);
  }

  /**
   * Whether the operation the object is in stopped, waiting for the retry verb: it failed,
   * and no next attempt is scheduled (entering Deleting resets the attempts).
   */
  public static boolean stopped(JsonObject status) {
    return status.getInteger("attempts", 0) > 0 && status.getString("nextAttemptAt") == null;
  }
}
