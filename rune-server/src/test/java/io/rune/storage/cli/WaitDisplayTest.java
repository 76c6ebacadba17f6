package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class WaitDisplayTest {
  private static JsonNode snapshot(String phase, long done, long total, long seq) throws Exception {
    return CliJson.MAPPER.readTree("""
        {"name": "s1", "namespace": "prod", "resourceVersion": "%d",
         "status": {"phase": "%s", "progress": {"bytesDone": %d, "bytesTotal": %d}}}
        """.formatted(seq, phase, done, total));
  }

  private static JsonNode frame(JsonNode object) throws Exception {
    return CliJson.MAPPER.readTree("{\"type\": \"MODIFIED\", \"kind\": \"Snapshot\", \"seq\": "
        + object.path("resourceVersion").asText() + ", \"object\": " + object + "}");
  }

  @Test
  void plainLinesSayEachStepAndEachNewPercentageOnce() throws Exception {
    StringWriter text = new StringWriter();
    WaitDisplay display = new WaitDisplay(new PrintWriter(text), false);
    WaitTarget target = WaitTarget.untilReady(ResourceType.SNAPSHOT, snapshot("Pending", 0, 0, 1));
    display.show(target);
    for (long[] step : new long[][] {{0, 2}, {512L << 20, 3}, {512L << 20, 4}, {1536L << 20, 5}}) {
      target.apply(frame(snapshot("Creating", step[0], 1536L << 20, step[1])));
      display.show(target);
    }
    target.apply(frame(snapshot("Ready", 1536L << 20, 1536L << 20, 6)));
    display.show(target);
    display.finish();
    assertThat(text.toString()).isEqualTo("""
        snapshot/s1 Pending
        snapshot/s1 Creating 0% (0 of 1.5Gi)
        snapshot/s1 Creating 33% (512Mi of 1.5Gi)
        snapshot/s1 Creating 100% (1.5Gi of 1.5Gi)
        snapshot/s1 Ready
        """);
    assertThat(target.state()).isEqualTo(WaitTarget.State.DONE);
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlaceThenEndedByTheNextLine() throws Exception {
    StringWriter text = new StringWriter();
    WaitDisplay display = new WaitDisplay(new PrintWriter(text), true);
    WaitTarget target = WaitTarget.untilReady(ResourceType.SNAPSHOT, snapshot("Creating", 256L << 20, 1L << 30, 2));
    display.show(target);
    target.apply(frame(snapshot("Creating", 1L << 30, 1L << 30, 3)));
    display.show(target);
    target.apply(frame(snapshot("Ready", 1L << 30, 1L << 30, 4)));
    display.show(target);
    assertThat(text.toString()).isEqualTo(
        "\rsnapshot/s1 Creating [######------------------] 25% 256Mi/1Gi"
            + "\rsnapshot/s1 Creating [########################] 100% 1Gi/1Gi " // one space over the longer line
            + "\nsnapshot/s1 Ready\n");
  }

  @Test
  void framesOlderThanWhatWasSeenAreIgnoredAndFailuresAreFinalOnlyWithoutARetry() throws Exception {
    WaitTarget target = WaitTarget.untilReady(ResourceType.SNAPSHOT, snapshot("Creating", 1, 2, 5));
    target.apply(frame(snapshot("Ready", 2, 2, 4)));
    assertThat(target.state()).isEqualTo(WaitTarget.State.WORKING);

    JsonNode retrying = CliJson.MAPPER.readTree("""
        {"name": "v", "namespace": "prod", "resourceVersion": "7", "status": {"phase": "Failed",
         "reason": "ProvisionFailedWillRetry", "message": "attempt 1/5: no", "nextAttemptAt": "2026-01-01T00:00:00Z"}}""");
    assertThat(WaitTarget.untilReady(ResourceType.VOLUME, retrying).state()).isEqualTo(WaitTarget.State.WORKING);
    ((com.fasterxml.jackson.databind.node.ObjectNode) retrying.path("status")).remove("nextAttemptAt");
    WaitTarget failed = WaitTarget.untilReady(ResourceType.VOLUME, retrying);
    assertThat(failed.state()).isEqualTo(WaitTarget.State.FAILED);
    assertThat(failed.situation()).isEqualTo("Failed (ProvisionFailedWillRetry): attempt 1/5: no");
  }
}
