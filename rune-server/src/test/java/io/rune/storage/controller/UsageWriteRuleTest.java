package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.StatusCondition;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a usage measurement makes of a volume's status, and when it is worth a write. */
class UsageWriteRuleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long MIB = 1L << 20;
  private static final long DISK = 100L << 30;

  private static VolumeStatus bound() {
    return VolumeStatus.from(new JsonObject().put("phase", "Bound").put("reason", "Bound").put("attempts", 0)
        .put("driver", "local").put("capacity", "1Mi"));
  }

  @Test
  void aVolumeOverItsSizeWithNothingEnforcingItIsOverCapacityWithTheFiguresUntilItFallsBack() {
    VolumeStatus over = UsageWriteRule.withMeasurement(bound(), new VolumeUsage(3 * MIB, DISK, "none"), MIB, "local",
        T0);
    assertThat(over.usage().usedBytes()).isEqualTo(3 * MIB);
    assertThat(over.usage().capacityBytes()).isEqualTo(DISK);
    assertThat(over.usage().enforcement()).isEqualTo("none");
    assertThat(over.usage().observedAt()).isEqualTo(T0);
    assertThat(over.conditions()).singleElement().satisfies(c -> {
      assertThat(c.type()).isEqualTo("OverCapacity");
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("UsageOverSize");
      assertThat(c.message()).isEqualTo("uses 3145728 bytes of its 1048576-byte size; the local driver's"
          + " enforcement is none, so nothing stops it");
      assertThat(c.lastTransitionAt()).isEqualTo(T0);
    });
    // Still over a minute later: the condition keeps the time it began; it round-trips through JSON.
    VolumeStatus stored = VolumeStatus.from(over.toJson());
    VolumeStatus still = UsageWriteRule.withMeasurement(stored, new VolumeUsage(4 * MIB, DISK, "none"), MIB, "local",
        T0.plusSeconds(60));
    assertThat(still.conditions()).singleElement().satisfies(c -> {
      assertThat(c.lastTransitionAt()).isEqualTo(T0);
      assertThat(c.message()).startsWith("uses 4194304 bytes");
    });
    // Back under its size: the condition goes, and the status has no conditions field left.
    VolumeStatus under = UsageWriteRule.withMeasurement(still, new VolumeUsage(MIB / 2, DISK, "none"), MIB, "local",
        T0.plusSeconds(120));
    assertThat(under.conditions()).isNull();
    assertThat(under.toJson().containsKey("conditions")).isFalse();
    assertThat(UsageWriteRule.worthWriting(still, under)).isTrue();
  }

  @Test
  void anEnforcedOrUnreportedLimitNeverMakesOverCapacityAndOtherConditionsStay() {
    StatusCondition other = new StatusCondition("Other", "True", "Because", "kept", T0);
    VolumeStatus withOther = bound().withConditions(java.util.List.of(other));
    for (String enforcement : new String[] {"btrfs", "loop", "xfs-quota", null}) {
      VolumeStatus measured = UsageWriteRule.withMeasurement(withOther, new VolumeUsage(3 * MIB, DISK, enforcement),
          MIB, "local", T0);
      assertThat(measured.conditions()).as(String.valueOf(enforcement)).containsExactly(other);
    }
  }

  @Test
  void onlyMeaningfulChangesOrAnOldFigureAreWritten() {
    VolumeStatus first = UsageWriteRule.withMeasurement(bound(), new VolumeUsage(20 * MIB, DISK, "none"), 64 * MIB,
        "local", T0);
    assertThat(UsageWriteRule.worthWriting(bound(), first)).as("nothing written yet").isTrue();
    VolumeStatus written = VolumeStatus.from(first.toJson());

    assertThat(UsageWriteRule.worthWriting(written, measured(written, 20 * MIB, DISK, "none", 60)))
        .as("the same figure a minute later").isFalse();
    assertThat(UsageWriteRule.worthWriting(written, measured(written, 20 * MIB + MIB / 2, DISK, "none", 60)))
        .as("half a MiB moved").isFalse();
    assertThat(UsageWriteRule.worthWriting(written, measured(written, 21 * MIB, DISK, "none", 60)))
        .as("a MiB moved, 5% of the figure").isTrue();
    assertThat(UsageWriteRule.worthWriting(written, measured(written, 20 * MIB, DISK / 2, "none", 60)))
        .as("capacity changed").isTrue();
    assertThat(UsageWriteRule.worthWriting(written, measured(written, 20 * MIB, DISK, "btrfs", 60)))
        .as("enforcement changed").isTrue();
    long maxAge = UsageWriteRule.MAX_AGE.toSeconds();
    assertThat(UsageWriteRule.worthWriting(written, measured(written, 20 * MIB, DISK, "none", maxAge - 1)))
        .as("just under the max age").isFalse();
    assertThat(UsageWriteRule.worthWriting(written, measured(written, 20 * MIB, DISK, "none", maxAge)))
        .as("the written figure is as old as the max age").isTrue();

    VolumeStatus big = VolumeStatus.from(UsageWriteRule.withMeasurement(bound(),
        new VolumeUsage(500L << 30, DISK, "none"), 1L << 40, "local", T0).toJson());
    VolumeStatus grown = UsageWriteRule.withMeasurement(big, new VolumeUsage((500L << 30) + (100 * MIB), DISK, "none"),
        1L << 40, "local", T0.plusSeconds(60));
    assertThat(UsageWriteRule.worthWriting(big, grown))
        .as("100 MiB on 500 GiB is under 1%").isFalse();
  }

  private static VolumeStatus measured(VolumeStatus written, long used, long capacity, String enforcement,
      long secondsLater) {
    return UsageWriteRule.withMeasurement(written, new VolumeUsage(used, capacity, enforcement), 64 * MIB, "local",
        T0.plus(Duration.ofSeconds(secondsLater)));
  }
}
