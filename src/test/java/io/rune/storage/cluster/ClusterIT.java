package io.rune.storage.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedCluster;
import io.rune.storage.testing.RunedNode;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real runed processes on one PostgreSQL, as the "Done when" asks: the
 * cluster forms, work made through every node is done once, a watcher anywhere sees every
 * change once and in order, and nodes killed or stopped lose their shards to the others
 * without work done twice or lost. One cluster for the class, since starting nodes is the
 * slow part: the tests that kill and stop nodes come last. Figures go to stdout, prefixed
 * [cluster], for the record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static final Duration CONVERGE = Duration.ofSeconds(90);

  private RunedCluster cluster;
  private ClusterVolumes volumes;

  @BeforeAll
  void start() {
    cluster = RunedCluster.start(RunedCluster.Settings.of("cluster", "a", "b", "c"));
    volumes = new ClusterVolumes(cluster);
    volumes.createClass(cluster.http("a"));
  }

  @AfterAll
  void stop() {
    if (volumes != null) {
      volumes.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theClusterFormsAndRuneNodeListShowsThreeReadyNodesHoldingTheSixteenShards() {
    RunedNode c = cluster.node("c");
    long began = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      RunedNode.CliResult listed = cluster.rune(c, "node", "list", "-o", "json");
      assertThat(listed.exitCode()).as(listed.toString()).isZero();
      JsonArray items = items(listed.stdout());
      assertThat(items).hasSize(3);
      List<Integer> held = new ArrayList<>();
      for (Object item : items) {
        JsonObject node = (JsonObject) item;
        assertThat(node.getString("status")).as("%s", node).isEqualTo("Ready");
        node.getJsonArray("shards").forEach(shard -> held.add(((Number) shard).intValue()));
      }
      assertThat(held).as("shards held, by every node").doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(IntStream.range(0, Shards.COUNT).boxed().toList());
    });
    System.out.printf("[cluster] 16 shards held among 3 Ready nodes %d ms after the nodes were ready%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));

    RunedNode.CliResult table = cluster.rune(c, "node", "list");
    System.out.println("[cluster] rune node list:\n" + table.stdout());
    assertThat(table.exitCode()).as(table.toString()).isZero();
    List<String> lines = table.stdout().lines().toList();
    assertThat(lines.get(0)).containsSubsequence("NAME", "STATUS", "LABELS", "HOLDS", "AGE");
    for (String name : List.of("a", "b", "c")) {
      assertThat(lines).anySatisfy(line -> assertThat(line).matches(name + "\\s+Ready\\s+.*\\d+ shards?\\s+.*"));
    }
  }

  @Test
  @Order(2)
  void threeHundredVolumesMadeThroughAllThreeNodesAtOnceAreEachProvisionedExactlyOnce() {
    List<Http> through = cluster.nodes().stream().map(cluster::http).toList();
    List<String> names = IntStream.range(0, 300).mapToObj(i -> "v" + i).toList();
    long began = System.nanoTime();
    Map<String, String> uids = volumes.createAll(through, "bulk", names);
    long created = System.nanoTime();
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
        .until(() -> volumes.notYet("bulk", ClusterVolumes::available), List::isEmpty);
    long available = System.nanoTime();
    System.out.printf("[cluster] 300 volumes: POSTed through a, b, c in %d ms, all Available after %d ms (%.0f/s)%n",
        TimeUnit.NANOSECONDS.toMillis(created - began), TimeUnit.NANOSECONDS.toMillis(available - began),
        300 / ((available - began) / 1e9));

    // Nothing failed here, so nothing needed a second call: one provision per volume, the one that made it.
    Map<String, Long> createdPerUid = cluster.provisionsCreatedPerUid();
    Map<String, Long> callsPerUid = cluster.driverCalls().stream().filter(call -> call.op().equals("provision"))
        .collect(java.util.stream.Collectors.groupingBy(RunedCluster.DriverCall::subject,
            java.util.stream.Collectors.counting()));
    for (Map.Entry<String, String> volume : uids.entrySet()) {
      assertThat(createdPerUid.get(volume.getValue())).as("provision calls that made %s", volume.getKey())
          .isEqualTo(1L);
      assertThat(callsPerUid.get(volume.getValue())).as("provision calls for %s", volume.getKey()).isEqualTo(1L);
    }
    Map<String, JsonObject> statuses = volumes.statuses("bulk");
    Map<String, Long> perNode = new java.util.TreeMap<>();
    statuses.values().forEach(s -> perNode.merge(s.getString("node"), 1L, Long::sum));
    System.out.printf("[cluster] 300 volumes placed: %s; provision calls logged: %d%n", perNode,
        cluster.driverCalls().stream().filter(call -> call.op().equals("provision")
            && uids.containsValue(call.subject())).count());
    // Each volume's storage was made on the node it lives on, by that node's driver.
    Set<String> uidSet = new HashSet<>(uids.values());
    cluster.driverCalls().stream().filter(call -> call.op().equals("provision") && uidSet.contains(call.subject()))
        .forEach(call -> assertThat(call.node()).isEqualTo(statuses.get(nameOf(uids, call.subject())).getString("node")));
  }

  @Test
  @Order(3)
  void aWatcherOnCSeesEveryChangeMadeThroughAAndBOnceInOrderAndResumesOnAnotherNodeAfterCDies() {
    Http a = cluster.http("a");
    Http b = cluster.http("b");
    long from = headSeq();
    List<JsonObject> frames = new ArrayList<>();
    long lastSeen;
    try (WatchClient onC = WatchClient.connect(cluster.node("c").baseUrl(), cluster.adminToken(),
        "kinds=volumes&namespace=watch&sinceSeq=" + from)) {
      volumes.createAll(List.of(a, b), "watch", IntStream.range(0, 40).mapToObj(i -> "w" + i).toList());
      await().atMost(CONVERGE).until(() -> volumes.notYet("watch", ClusterVolumes::available), List::isEmpty);
      frames.addAll(onC.changesThrough(lastSeq("watch"), CONVERGE));
      lastSeen = frames.get(frames.size() - 1).getLong("seq");

      // Changes go on through a and b while c, the watcher's node, dies under it.
      CompletableFuture<Map<String, String>> more = CompletableFuture.supplyAsync(() ->
          volumes.createAll(List.of(a, b), "watch", IntStream.range(40, 80).mapToObj(i -> "w" + i).toList()));
      cluster.node("c").kill();
      assertThat(onC.closedBy(Duration.ofSeconds(30))).as("the watch on c ends when c dies").isTrue();
      more.join();
    }
    // Whatever c sent before it died was read; resume on a after the last one.
    CompletableFuture<Void> restart = cluster.node("c").startAsync();
    try (WatchClient onA = WatchClient.connect(a.base(), cluster.adminToken(),
        "kinds=volumes&namespace=watch&sinceSeq=" + lastSeen)) {
      restart.orTimeout(RunedCluster.START.toSeconds(), TimeUnit.SECONDS).join();
      await().atMost(CONVERGE).until(() -> volumes.notYet("watch", ClusterVolumes::available), List::isEmpty);
      frames.addAll(onA.changesThrough(lastSeq("watch"), CONVERGE));
    }

    List<Long> seen = frames.stream().map(f -> f.getLong("seq")).toList();
    List<Long> written = cluster.query("SELECT seq FROM change_log WHERE kind = 'Volume' AND namespace = 'watch'"
        + " AND seq > " + from + " ORDER BY seq").stream().map(row -> ((Number) row.get("seq")).longValue()).toList();
    System.out.printf("[cluster] watch: %d changes written through a and b, %d seen on c then a (resumed after seq %d)%n",
        written.size(), seen.size(), lastSeen);
    assertThat(seen).as("seqs seen, in order, none twice, none missing").isEqualTo(written);
  }

  private long headSeq() {
    return ((Number) cluster.query("SELECT seq FROM change_head").get(0).get("seq")).longValue();
  }

  private long lastSeq(String namespace) {
    return ((Number) cluster.query("SELECT coalesce(max(seq), 0) AS seq FROM change_log WHERE kind = 'Volume'"
        + " AND namespace = '" + namespace + "'").get(0).get("seq")).longValue();
  }

  private static String nameOf(Map<String, String> uids, String uid) {
    return uids.entrySet().stream().filter(e -> e.getValue().equals(uid)).findFirst().orElseThrow().getKey();
  }

  /** The items of `-o json`: an array, or an object with items. */
  private static JsonArray items(String json) {
    String trimmed = json.trim();
    return trimmed.startsWith("[") ? new JsonArray(trimmed) : new JsonObject(trimmed).getJsonArray("items");
  }
}
