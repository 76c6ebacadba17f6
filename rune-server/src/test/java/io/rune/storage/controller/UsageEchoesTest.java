package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.Change;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The echo of a usage write is recognised (by every controller that asks), and nothing else is. */
class UsageEchoesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static ApiObject volume(long version, JsonObject status) {
    return new ApiObject(Kind.VOLUME, "ns", "data", "uid-1", version, Map.of("app", "db"),
        new JsonObject().put("size", "64Mi").put("storageClassName", "local"), status, T0, T0);
  }

  /** The change the feed delivers for {@code object}: its JSON as read back (numbers re-parsed) at a new version. */
  private static Change change(long seq, ApiObject object) {
    JsonObject json = new JsonObject(object.stamped(seq, T0.plusSeconds(seq)).toJson().encode());
    return new Change(seq, Change.Type.MODIFIED, Kind.VOLUME, "ns", "data", json);
  }

  @Test
  void theUsageWriteIsAnEchoForEveryControllerAndTheNextChangeIsNot() {
    ApiObject read = volume(10, new JsonObject().put("phase", "Bound").put("attempts", 0).put("capacity", "64Mi"));
    VolumeStatus measured = UsageWriteRule.withMeasurement(VolumeStatus.of(read),
        new VolumeUsage(5L << 20, 100L << 30, "none"), 64L << 20, "local", T0);
    ApiObject written = read.withStatus(measured.toJson());
    UsageEchoes echoes = new UsageEchoes();
    echoes.expect(written);

    Change echo = change(11, written);
    assertThat(echoes.isEcho(echo)).isTrue();
    assertThat(echoes.isEcho(echo)).as("a second controller asking about the same change").isTrue();

    // A user's write after it (same status, new spec) is work again, as is any other change.
    ApiObject resized = written.withSpec(new JsonObject().put("size", "128Mi").put("storageClassName", "local"),
        written.labels());
    assertThat(echoes.isEcho(change(12, resized))).isFalse();
    assertThat(echoes.isEcho(change(13, written))).as("the same content at a later sequence").isFalse();
  }

  @Test
  void aChangeOtherThanTheExpectedWriteIsWorkAndForgottenVolumesExpectNothing() {
    ApiObject read = volume(10, new JsonObject().put("phase", "Available").put("attempts", 0));
    ApiObject written = read.withStatus(UsageWriteRule.withMeasurement(VolumeStatus.of(read),
        new VolumeUsage(1, 2, null), 10, "local", T0).toJson());
    UsageEchoes echoes = new UsageEchoes();
    echoes.expect(written);
    assertThat(echoes.isEcho(change(11, read.withStatus(new JsonObject().put("phase", "Deleting")))))
        .as("another writer came first").isFalse();
    echoes.forget(new io.rune.storage.model.ObjectKey("ns", "data"));
    assertThat(echoes.isEcho(change(12, written))).isFalse();
    assertThat(echoes.isEcho(new Change(14, Change.Type.DELETED, Kind.VOLUME, "ns", "data", written.toJson())))
        .isFalse();
  }
}
