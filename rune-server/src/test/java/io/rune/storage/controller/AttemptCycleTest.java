package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.cluster.NodeInfo;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.runtime.RemoteDriver;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The attempt cycle's decisions, applied to the status records and (for unconverted code) to JSON alike. */
class AttemptCycleTest {
  private final AttemptCycle cycle = new AttemptCycle(3, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)));

  @Test
  void aRetryableFailureSchedulesTheNextAttempt() {
    VolumeStatus provisioning = VolumeStatus.from(new JsonObject().put("phase", "Provisioning").put("attempts", 1)
        .put("handle", "kept").put("unknownField", 7));
    AttemptCycle.Decision decision = cycle.failed(AttemptCycle.Operation.PROVISION, 1,
        DriverException.transientError("backend busy", null), AttemptCycle.RETRY_HINT);
    VolumeStatus failed = decision.applyTo(provisioning);

    assertThat(failed.phase()).isEqualTo(VolumeStatus.Phase.Failed);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.reason()).isEqualTo("ProvisionFailedWillRetry");
    assertThat(failed.message()).contains("attempt 1/3", "backend busy", "next try in");
    assertThat(failed.nextAttemptAt()).isNotNull();
    assertThat(failed.handle()).isEqualTo("kept");
    assertThat(decision.outcome()).isNotEqualTo(Outcome.DONE);
    assertThat(failed.toJson().getInteger("unknownField")).isEqualTo(7);
  }

  @Test
  void theLastAttemptStopsADeletionInItsPhase() {
    SnapshotStatus deleting = SnapshotStatus.from(new JsonObject().put("phase", "Deleting").put("attempts", 2));
    AttemptCycle.Decision decision = cycle.failed(AttemptCycle.Operation.DELETE_SNAPSHOT, 3,
        DriverException.transientError("still busy", null), AttemptCycle.RETRY_HINT);
    SnapshotStatus exhausted = decision.applyTo(deleting);

    assertThat(exhausted.phase()).isEqualTo(SnapshotStatus.Phase.Deleting);
    assertThat(exhausted.reason()).isEqualTo("DeleteRetriesExhausted");
    assertThat(exhausted.stopped()).isTrue();
    assertThat(decision.outcome()).isEqualTo(Outcome.DONE);
  }

  @Test
  void aWaitSpendsNoAttemptAndKeepsThePhase() {
    VolumeStatus deleting = VolumeStatus.from(new JsonObject().put("phase", "Deleting").put("attempts", 2));
    VolumeStatus waiting = cycle.waitFor("DriverNotFound", "driver 'x' is gone").applyTo(deleting);

    assertThat(waiting.phase()).isEqualTo(VolumeStatus.Phase.Deleting);
    assertThat(waiting.attempts()).isEqualTo(2);
    assertThat(waiting.message()).startsWith("driver 'x' is gone; next look in");
    assertThat(waiting.stopped()).isFalse();
  }

  @Test
  void aNodeAwaySpendsNoAttemptAndWaitsLongerTheLongerItIsSilent() {
    RemoteDriver.NodeLiveness silent = node -> Future.succeededFuture(new NodeInfo(node, Map.of(), null, null,
        Instant.EPOCH, Instant.EPOCH, Duration.ofSeconds(3), false, List.of()));
    DriverException away = awayFor(silent);
    assertThat(away.error()).isEqualTo(DriverError.UNAVAILABLE);
    assertThat(away.reason()).isEqualTo("NodeUnavailable");
    assertThat(away.getMessage()).isEqualTo("node b has not been heard from for 3 s");

    VolumeStatus provisioning = VolumeStatus.from(new JsonObject().put("phase", "Provisioning").put("attempts", 2)
        .put("node", "b"));
    AttemptCycle.Decision decision = cycle.failed(AttemptCycle.Operation.PROVISION, 2, away, AttemptCycle.RETRY_HINT);
    VolumeStatus waiting = decision.applyTo(provisioning);
    assertThat(waiting.phase()).isEqualTo(VolumeStatus.Phase.Failed);
    assertThat(waiting.reason()).isEqualTo("NodeUnavailable");
    assertThat(waiting.attempts()).as("no attempt spent").isEqualTo(1);
    assertThat(waiting.message()).startsWith("provisioning the storage waits for its node (no attempt spent): node b"
        + " has not been heard from for 3 s; next try in");

    VolumeStatus deleting = VolumeStatus.from(new JsonObject().put("phase", "Deleting").put("attempts", 0));
    assertThat(cycle.failed(AttemptCycle.Operation.DELETE, 1, away, AttemptCycle.RETRY_HINT).applyTo(deleting).phase())
        .as("a deletion keeps its phase").isEqualTo(VolumeStatus.Phase.Deleting);

    // Backoff 1 s .. 8 s: as long as the silence, jittered by up to a fifth, within the bounds.
    assertThat(cycle.nodeWait(Duration.ofMillis(100))).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
    assertThat(cycle.nodeWait(Duration.ofSeconds(3))).isBetween(Duration.ofMillis(2400), Duration.ofSeconds(3));
    assertThat(cycle.nodeWait(Duration.ofMinutes(5))).isBetween(Duration.ofMillis(6400), Duration.ofSeconds(8));
    assertThat(cycle.nodeWait(null)).as("never heard from").isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void aWaitForANodeIsOverWhenTheNodeIsReadyAgain() {
    AttemptCycle watching = new AttemptCycle(3, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)),
        node -> node.equals("back"));
    JsonObject waiting = new JsonObject().put("phase", "Failed").put("reason", "NodeUnavailable").put("attempts", 1)
        .put("nextAttemptAt", Instant.now().plusSeconds(60).toString());
    assertThat(watching.untilDue(VolumeStatus.from(waiting.copy().put("node", "back")))).isZero();
    assertThat(watching.untilDue(VolumeStatus.from(waiting.copy().put("node", "away"))))
        .isGreaterThan(Duration.ofSeconds(50));
    assertThat(watching.untilDue(VolumeStatus.from(waiting.copy().put("node", "back").put("reason",
        "ProvisionFailedWillRetry")))).as("other failures keep their backoff").isGreaterThan(Duration.ofSeconds(50));
  }

  /** The failure a remote driver gives for a node the directory lists as NotReady (nothing is sent). */
  private static DriverException awayFor(RemoteDriver.NodeLiveness liveness) {
    Vertx vertx = Vertx.vertx();
    try {
      DriverProvider local = DriverCatalog.discover().provider("local").orElseThrow();
      Future<Void> call = new RemoteDriver(vertx, local, "b", Duration.ofSeconds(5), liveness).delete(
          new DriverContext(null, null, Map.of(), "b"), "handle");
      return (DriverException) call.toCompletionStage().toCompletableFuture().handle((v, err) -> err).join();
    } finally {
      vertx.close();
    }
  }
}
