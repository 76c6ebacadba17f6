package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.DriverException;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
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
}
