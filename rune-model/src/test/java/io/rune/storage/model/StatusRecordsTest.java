package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status records read and write the JSON form the server has always stored, field for field. */
class StatusRecordsTest {
  private static final String AT = "2025-03-01T10:15:30.123Z";
  private static final String LATER = "2025-03-01T10:16:00Z";

  @Test
  void everyFieldOfAVolumeSurvivesTheRoundTrip() {
    JsonObject stored = new JsonObject().put("phase", "Bound").put("reason", "Bound").put("message", "bound")
        .put("attempts", 2).put("nextAttemptAt", LATER).put("lastTransitionAt", AT).put("handle", "vol-1")
        .put("driver", "local").put("node", "n1").put("classParameters", new JsonObject().put("fsType", "ext4"))
        .put("topology", new JsonObject().put("rune.io/zone", "a")).put("ownerService", "web")
        .put("boundClaim", "default/web-0").put("boundClaims", new JsonArray().add("default/web-0"))
        .put("boundNode", "n1").put("lastClaim", "default/web-1").put("detachRequested", true)
        .put("progress", new JsonObject().put("bytesDone", 5L).put("bytesTotal", 10L)).put("capacity", "2Gi")
        .put("expandingTo", "4Gi").put("lastDetachRequestAt", LATER);
    VolumeStatus status = VolumeStatus.from(stored);

    assertThat(status.phase()).isEqualTo(VolumeStatus.Phase.Bound);
    assertThat(status.attempts()).isEqualTo(2);
    assertThat(status.nextAttemptAt()).isEqualTo(Instant.parse(LATER));
    assertThat(status.boundClaims()).containsExactly("default/web-0");
    assertThat(status.progress()).isEqualTo(new ProgressStatus(5, 10));
    assertThat(status.detachRequested()).isTrue();
    assertThat(status.capacity()).isEqualTo("2Gi");
    assertThat(status.extra().isEmpty()).isTrue();
    assertThat(status.toJson()).isEqualTo(stored);
    assertThat(status.toJson().encode()).hasSameSizeAs(stored.encode());
  }

  @Test
  void everyFieldOfASnapshotSurvivesTheRoundTrip() {
    JsonObject stored = new JsonObject().put("phase", "Ready").put("reason", "Ready").put("message", "taken")
        .put("attempts", 1).put("lastTransitionAt", AT).put("handle", "snap-1").put("driver", "local")
        .put("node", "n1").put("storageClassName", "fast").put("classParameters", new JsonObject())
        .put("sourceSize", "1Gi").put("sizeBytes", 1073741824L).put("sourceVolumeUid", "u-1")
        .put("sourceHandle", "vol-1").put("progress", new JsonObject().put("bytesDone", 10L).put("bytesTotal", 10L))
        .put("readyAt", LATER).put("nextAttemptAt", LATER).put("method", "reflink").put("methodSeconds", 0.25);
    SnapshotStatus status = SnapshotStatus.from(stored);

    assertThat(status.phase()).isEqualTo(SnapshotStatus.Phase.Ready);
    assertThat(status.sizeBytes()).isEqualTo(1073741824L);
    assertThat(status.readyAt()).isEqualTo(Instant.parse(LATER));
    assertThat(status.method()).isEqualTo("reflink");
    assertThat(status.methodSeconds()).isEqualTo(0.25);
    assertThat(status.toJson()).isEqualTo(stored);
  }

  @Test
  void everyFieldOfAServiceAndItsReplicasSurvivesTheRoundTrip() {
    JsonObject replica = new JsonObject().put("ordinal", 0).put("instance", "web-0").put("node", "n1")
        .put("phase", "Pending").put("reason", "MountFailed").put("message", "waiting")
        .put("mounts", new JsonArray().add(new JsonObject().put("volume", "data").put("hostPath", "/x")))
        .put("mountAttempts", 3).put("nextAttemptAt", LATER);
    JsonObject stored = new JsonObject().put("phase", "Deleting").put("reason", "DeletionRequested")
        .put("message", "deleting").put("lastTransitionAt", AT).put("replicas", new JsonArray().add(replica))
        .put("readyReplicas", 0).put("cascade", false);
    ServiceStatus status = ServiceStatus.from(stored);

    assertThat(status.phase()).isEqualTo(ServiceStatus.Phase.Deleting);
    assertThat(status.cascades()).isFalse();
    ReplicaStatus first = status.replicas().get(0);
    assertThat(first.phase()).isEqualTo(ServiceStatus.ReplicaPhase.Pending);
    assertThat(first.mountAttempts()).isEqualTo(3);
    assertThat(first.mounts().getJsonObject(0).getString("hostPath")).isEqualTo("/x");
    assertThat(status.toJson()).isEqualTo(stored);
  }

  @Test
  void fieldsNoRecordNamesAreKept() {
    JsonObject stored = new JsonObject().put("phase", "Available").put("attempts", 1).put("handle", "h")
        .put("newerField", "4Gi").put("future", new JsonObject().put("nested", List.of(1, 2)));
    VolumeStatus status = VolumeStatus.from(stored);

    assertThat(status.extra().fieldNames()).containsExactlyInAnyOrder("newerField", "future");
    assertThat(status.withHandle("h2").toJson()).isEqualTo(stored.copy().put("handle", "h2"));
    JsonObject replica = new JsonObject().put("ordinal", 1).put("phase", "Ready").put("runner", "pid 7");
    assertThat(ReplicaStatus.from(replica).toJson()).isEqualTo(replica);
  }

  @Test
  void noStatusYetIsTheFirstPhase() {
    assertThat(VolumeStatus.from(null).phase()).isEqualTo(VolumeStatus.Phase.Pending);
    assertThat(SnapshotStatus.from(new JsonObject()).phase()).isEqualTo(SnapshotStatus.Phase.Pending);
    assertThat(ServiceStatus.from(new JsonObject()).phase()).isEqualTo(ServiceStatus.Phase.Active);
    assertThat(VolumeStatus.from(null).toJson()).isEqualTo(new JsonObject().put("phase", "Pending").put("attempts", 0));
  }

  @Test
  void aPhaseWordThisServerNeverWroteIsRefusedAsBefore() {
    assertThatThrownBy(() -> VolumeStatus.from(new JsonObject().put("phase", "Exploded")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SnapshotStatus.from(new JsonObject().put("phase", "Bound")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VolumeStatus.from(new JsonObject().put("phase", "deleting")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bindingAndReleasingMoveTheClaimsTogether() {
    VolumeStatus bound = VolumeStatus.from(new JsonObject().put("phase", "Released").put("lastClaim", "ns/a"))
        .boundTo("ns/b", "n2");
    assertThat(bound.toJson().getJsonArray("boundClaims")).isEqualTo(new JsonArray().add("ns/b"));
    assertThat(bound.lastClaim()).isNull();
    VolumeStatus released = bound.releasedBy("ns/b");
    assertThat(released.phase()).isEqualTo(VolumeStatus.Phase.Released);
    assertThat(released.toJson().fieldNames()).doesNotContain("boundClaim", "boundClaims", "boundNode");
    assertThat(released.lastClaim()).isEqualTo("ns/b");
    assertThat(VolumeStatus.from(new JsonObject().put("phase", "Bound").put("boundClaim", "ns/old")).claims())
        .containsExactly("ns/old");
  }

  @Test
  void anOperationIsStoppedWhenItFailedAndNothingIsScheduled() {
    VolumeStatus failing = VolumeStatus.from(null).withAttempt(VolumeStatus.Phase.Deleting, 2, "DeleteFailedWillRetry",
        "retrying", Instant.now().plusSeconds(30));
    assertThat(failing.stopped()).isFalse();
    assertThat(failing.untilDue(Instant.now())).isPositive();
    VolumeStatus exhausted = failing.withAttempt(null, 3, VolumeStatus.DELETE_RETRIES_EXHAUSTED, "stop", null);
    assertThat(exhausted.stopped()).isTrue();
    assertThat(exhausted.phase()).isEqualTo(VolumeStatus.Phase.Deleting);
    assertThat(exhausted.toJson().containsKey("nextAttemptAt")).isFalse();
    assertThat(exhausted.untilDue(Instant.now())).isZero();
  }

  @Test
  void aSecretKeepsItsKeyNames() {
    JsonObject stored = new JsonObject().put("keys", new JsonArray().add("token").add("url"));
    assertThat(SecretStatus.from(stored).keys()).containsExactly("token", "url");
    assertThat(SecretStatus.from(stored).toJson()).isEqualTo(stored);
  }

  @Test
  void theRetryVerbStartsAFailureOrAStoppedDeletionOver() {
    VolumeStatus stalled = VolumeStatus.from(new JsonObject().put("phase", "Stalled").put("attempts", 5)
        .put("reason", "ProvisionRetriesExhausted"));
    assertThat(stalled.retryable()).isTrue();
    assertThat(stalled.troubled()).isTrue();
    VolumeStatus retried = stalled.retried(Instant.parse(AT));
    assertThat(retried.toJson()).isEqualTo(new JsonObject().put("phase", "Pending").put("reason", "RetryRequested")
        .put("message", "provisioning retry requested").put("attempts", 0).put("lastTransitionAt", AT));

    SnapshotStatus deleting = SnapshotStatus.from(new JsonObject().put("phase", "Deleting")
        .put("reason", "DeleteFailedWillRetry").put("attempts", 2).put("nextAttemptAt", LATER));
    assertThat(deleting.retryable()).as("a deletion still retrying on its own").isFalse();
    assertThat(deleting.troubled()).isTrue();
    SnapshotStatus stopped = deleting.withNextAttemptAt(null);
    assertThat(stopped.retryable()).isTrue();
    assertThat(stopped.retried(Instant.parse(AT)).phase()).isEqualTo(SnapshotStatus.Phase.Deleting);

    VolumeStatus asked = VolumeStatus.from(new JsonObject().put("phase", "Deleting").put("reason", "DeletionRequested"));
    assertThat(asked.troubled()).isFalse();
    assertThat(asked.retryable()).isFalse();
    assertThat(VolumeStatus.from(new JsonObject().put("phase", "Bound")).retryable()).isFalse();

    VolumeStatus growthStopped = VolumeStatus.from(new JsonObject().put("phase", "Bound").put("expandingTo", "4Gi")
        .put("attempts", 3).put("reason", "ExpandRetriesExhausted"));
    assertThat(growthStopped.retryable()).isTrue();
    VolumeStatus growthRetried = growthStopped.retried(Instant.parse(AT));
    assertThat(growthRetried.phase()).isEqualTo(VolumeStatus.Phase.Bound);
    assertThat(growthRetried.message()).isEqualTo("expansion retry requested");
    assertThat(growthStopped.withReason(VolumeStatus.EXPANDING).retryable()).as("an attempt in flight").isFalse();
  }

  @Test
  void aLargerSizeStartsTheGrowthOfProvisionedStorageOnly() {
    VolumeStatus bound = VolumeStatus.from(new JsonObject().put("phase", "Bound").put("capacity", "1Gi")
        .put("attempts", 3).put("nextAttemptAt", "2030-01-01T00:00:00Z"));
    VolumeStatus growing = bound.afterSizeWrite("2Gi");

    assertThat(growing.expandingTo()).isEqualTo("2Gi");
    assertThat(growing.expansionRequested()).isTrue();
    assertThat(growing.reason()).isEqualTo(VolumeStatus.EXPANSION_REQUESTED);
    assertThat(growing.message()).isEqualTo("growing to 2Gi from 1Gi was requested");
    assertThat(growing.attempts()).isZero();
    assertThat(growing.nextAttemptAt()).isNull();
    assertThat(growing.phase()).isEqualTo(VolumeStatus.Phase.Bound);
    assertThat(growing.afterSizeWrite("2Gi")).as("under way already").isSameAs(growing);
    assertThat(bound.afterSizeWrite("1Gi")).as("not larger").isSameAs(bound);
    VolumeStatus pending = VolumeStatus.from(new JsonObject().put("phase", "Pending"));
    assertThat(pending.afterSizeWrite("2Gi")).as("made at the new size").isSameAs(pending);
    assertThat(VolumeStatus.from(new JsonObject()).capacityOr("3Gi")).as("a row older than capacity").isEqualTo("3Gi");
    assertThat(growing.withAttempt(null, 2, "ExpandRetriesExhausted", "x", null).expansionStopped()).isTrue();
    assertThat(growing.withAttempt(null, 1, VolumeStatus.EXPANDING, "x", null).expansionStopped()).isFalse();
  }

  @Test
  void aRetriedReleaseNamesItsReplicaInTheSameWireField() {
    JsonObject json = new JsonObject().put("phase", "Bound").put("releasing", "ns/app-0").put("attempts", 2);
    VolumeStatus status = VolumeStatus.from(json);

    assertThat(status.releasing()).isEqualTo("ns/app-0");
    assertThat(status.extra().containsKey("releasing")).isFalse();
    assertThat(status.toJson().getString("releasing")).isEqualTo("ns/app-0");
    assertThat(status.withReleasing(null).toJson().containsKey("releasing")).isFalse();
  }
}
