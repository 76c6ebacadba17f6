package io.rune.storage.testing;

import com.hazelcast.config.Config;
import io.rune.storage.cluster.ClusteredVertx;
import io.rune.storage.config.RuneConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clustered Vert.x of one {@link TestServer} node: {@link ClusteredVertx}'s Hazelcast on
 * 127.0.0.1 with a port of its own (kept across restarts), joining the other nodes of its
 * group by TCP-IP, with a cluster name of the group's own so that groups of parallel tests
 * never merge. The event bus is plain TCP ({@code insecure = true}).
 */
final class ClusteredTestVertx {
  private static final String HOST = "127.0.0.1";

  /** The nodes started together: their Hazelcast ports, and the cluster's name. */
  private record Group(String name, List<Integer> ports) {}

  private final Group group;
  private final int port;

  private ClusteredTestVertx(Group group, int port) {
    this.group = group;
    this.port = port;
  }

  /** A new node of the group of {@code members} (a new group when there are none). */
  static ClusteredTestVertx joining(List<ClusteredTestVertx> members) {
    Group group = members.isEmpty() ? new Group("rune-test-" + UUID.randomUUID(), new CopyOnWriteArrayList<>())
        : members.get(0).group;
    ClusteredTestVertx node = new ClusteredTestVertx(group, freePort());
    group.ports().add(node.port);
    return node;
  }

  /** The runefile's {@code [cluster]} table with this node's address and its group's members filled in. */
  JsonObject clusterTable(JsonObject given) {
    return given.copy().put("enabled", true).put("host", HOST).put("port", port).put("insecure", true)
        .put("members", new JsonArray(group.ports().stream().map(p -> HOST + ":" + p).toList()));
  }

  /**
   * Starts the clustered Vert.x on the production settings ({@link ClusteredVertx}) with the
   * group's own cluster name and joins tuned for members that all run here: it has joined the
   * group when the future completes.
   */
  Future<Vertx> start(RuneConfig.Cluster cluster) {
    Config config = ClusteredVertx.hazelcastConfig(cluster).setClusterName(group.name());
    // Members that all run here find each other at once: no waiting for others to turn up.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    // A restarted node binds its port again at once.
    config.getNetworkConfig().setReuseAddress(true);
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(ClusteredVertx.eventBusOptions(cluster)))
        .withClusterManager(new HazelcastClusterManager(config)).buildClustered();
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
