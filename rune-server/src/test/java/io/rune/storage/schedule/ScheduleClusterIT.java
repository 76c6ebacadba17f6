package io.rune.storage.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.cluster.Shards;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three runed nodes on one database, every-minute schedules on volumes whose shards three
 * different nodes hold: over two ticks of wall time, each volume has exactly one snapshot
 * and one recorded tick per tick (counted in the shared database), none skipped.
 */
class ScheduleClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final DateTimeFormatter TICK = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

  @Test
  void eachTickOfEachVolumeHasOneSnapshotAcrossThreeNodes() {
    try (RunedCluster cluster = RunedCluster.start(RunedCluster.Settings.of("schedules", "a", "b", "c"))) {
      Map<Integer, String> leases = await().atMost(WAIT).until(cluster::liveLeases,
          l -> l.size() == Shards.COUNT && new HashSet<>(l.values()).size() == 3);
      List<String> volumes = oneVolumePerNode(leases);
      Http http = cluster.http("a");
      for (String volume : volumes) {
        Http.Response created = http.post("/api/v1/namespaces/sched/volumes", new JsonObject().put("name", volume)
            .put("size", "1Gi").put("storageClassName", "local").put("snapshotSchedule", new JsonObject()
                .put("cron", "* * * * *").put("retention", new JsonObject().put("keep", 10))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
      }
      Map<String, Instant> first = new LinkedHashMap<>();
      for (String volume : volumes) {
        String next = await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/sched/volumes/" + volume).json()
            .getJsonObject("status").getJsonObject("schedule", new JsonObject()).getString("nextRunAt"), n -> n != null);
        first.put(volume, Instant.parse(next));
      }
      for (String volume : volumes) {
        String second = volume + "-" + TICK.format(first.get(volume).plusSeconds(60));
        await().atMost(WAIT).until(() -> snapshotsOf(cluster, volume).contains(second));
      }
      for (String volume : volumes) {
        Instant tick = first.get(volume);
        List<String> expected = List.of(volume + "-" + TICK.format(tick), volume + "-" + TICK.format(tick.plusSeconds(60)));
        assertThat(snapshotsOf(cluster, volume).stream().filter(n -> n.compareTo(expected.get(1)) <= 0).toList())
            .as("snapshots of %s up to its second tick", volume).isEqualTo(expected);
        List<Map<String, Object>> ticks = cluster.query("SELECT t.snapshot FROM schedule_ticks t JOIN objects o"
            + " ON o.uid = t.volume_uid WHERE o.kind = 'Volume' AND o.name = '" + volume + "' AND t.tick_at <= '"
            + tick.plusSeconds(60) + "' ORDER BY t.tick_at");
        assertThat(ticks).extracting(row -> row.get("snapshot")).as("ticks of %s", volume).isEqualTo(expected);
      }
    }
  }

  /** A volume name in a shard of each node (so each node's schedule controller has work). */
  private static List<String> oneVolumePerNode(Map<Integer, String> leases) {
    Set<String> nodes = new HashSet<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; nodes.size() < 3; i++) {
      String name = "vol" + i;
      if (nodes.add(leases.get(Shards.of(new ObjectKey("sched", name))))) {
        names.add(name);
      }
    }
    return names;
  }

  /** The volume's scheduled snapshots, sorted, from the shared database. */
  private static List<String> snapshotsOf(RunedCluster cluster, String volume) {
    return cluster.query("SELECT name FROM objects WHERE kind = 'Snapshot' AND namespace = 'sched'"
        + " AND labels ->> 'rune.io/schedule' = '" + volume + "' ORDER BY name").stream()
        .map(row -> (String) row.get("name")).toList();
  }
}
