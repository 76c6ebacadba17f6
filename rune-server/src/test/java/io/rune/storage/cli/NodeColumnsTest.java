package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeColumnsTest {
  private static final Instant NOW = Instant.parse("2030-01-31T18:00:00Z");

  private static JsonNode json(String text) throws Exception {
    return CliJson.MAPPER.readTree(text);
  }

  private static List<String> cells(List<Column> columns, JsonNode node) {
    return columns.stream().map(column -> column.cell().apply(node)).toList();
  }

  @Test
  void holdsCountsTheShardsInWords() throws Exception {
    assertThat(NodeColumns.holds(json("[0,1,2,3,4,5]"))).isEqualTo("6 shards");
    assertThat(NodeColumns.holds(json("[7]"))).isEqualTo("1 shard");
    assertThat(NodeColumns.holds(json("[]"))).isEqualTo("0 shards");
    assertThat(NodeColumns.holds(json("{}").path("shards"))).as("absent").isEqualTo("0 shards");
  }

  @Test
  void shardsAreWrittenAsRangesOfConsecutiveNumbers() throws Exception {
    assertThat(NodeColumns.ranges(json("[0,1,2,3,4,5,9,12,13]"))).isEqualTo("0-5,9,12-13");
    assertThat(NodeColumns.ranges(json("[15,3,4]"))).as("in order whatever the input's").isEqualTo("3-4,15");
    assertThat(NodeColumns.ranges(json("[8]"))).isEqualTo("8");
    assertThat(NodeColumns.ranges(json("[]"))).isEqualTo("<none>");
  }

  @Test
  void theHeartbeatIsAnAgeAgo() throws Exception {
    assertThat(NodeColumns.heartbeat(json("1.234"))).isEqualTo("1s ago");
    assertThat(NodeColumns.heartbeat(json("75.5"))).isEqualTo("1m ago");
    assertThat(NodeColumns.heartbeat(json("0"))).isEqualTo("0s ago");
    assertThat(NodeColumns.heartbeat(json("null"))).isEqualTo("<none>");
  }

  @Test
  void aRowHasNameStatusLabelsHoldsAgeAndWideAddsWhereAndWhat() throws Exception {
    JsonNode node = json("""
        {"name": "node-a", "status": "Ready", "labels": {"disk": "ssd", "rune.io/zone": "a"},
         "address": "http://10.0.0.5:7861", "version": "1.4.0", "startedAt": "2030-01-31T15:59:00Z",
         "heartbeatAt": "2030-01-31T17:59:59Z", "heartbeatAgeSeconds": 1.5, "shards": [0, 1, 2, 9]}
        """);
    List<Column> columns = NodeColumns.of(false, NOW);
    assertThat(columns).extracting(Column::header).containsExactly("NAME", "STATUS", "LABELS", "HOLDS", "AGE");
    assertThat(cells(columns, node)).containsExactly("node-a", "Ready", "disk=ssd,rune.io/zone=a", "4 shards", "2h");

    List<Column> wide = NodeColumns.of(true, NOW);
    assertThat(wide).extracting(Column::header).endsWith("ADDRESS", "VERSION", "HEARTBEAT", "SHARDS");
    assertThat(cells(wide, node)).endsWith("http://10.0.0.5:7861", "1.4.0", "1s ago", "0-2,9");

    JsonNode bare = json("""
        {"name": "node-b", "status": "NotReady", "labels": {}, "address": "", "version": "",
         "startedAt": "2030-01-31T17:57:00Z", "heartbeatAt": "2030-01-31T17:58:00Z",
         "heartbeatAgeSeconds": 60, "shards": []}""");
    assertThat(cells(wide, bare)).containsExactly("node-b", "NotReady", "<none>", "0 shards", "3m", "<none>", "<none>",
        "1m ago", "<none>");
  }
}
