package io.rune.storage.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.rune.storage.config.Durations;
import io.rune.storage.config.RuneConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clustered Vert.x of one {@link TestServer} node: Hazelcast on 127.0.0.1 with a port of
 * its own (kept across restarts), joining the other nodes of its group by TCP-IP, multicast
 * and auto-detection off, phone-home off, and a cluster name of the group's own so that
 * groups of parallel tests never merge. The event bus is plain TCP ({@code insecure = true}).
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
   * The configuration with {@code [cluster]} read from {@code table}.
   * TODO(#14): the runefile loader reads [cluster] once helper "boot" lands; then drop this.
   */
  static RuneConfig withCluster(RuneConfig c, JsonObject table) {
    RuneConfig.Cluster defaults = RuneConfig.Cluster.DISABLED;
    RuneConfig.Cluster cluster = new RuneConfig.Cluster(table.getBoolean("enabled", false),
        table.getString("host", defaults.host()), table.getInteger("port", defaults.port()),
        table.getInteger("eventBusPort", 0),
        table.getJsonArray("members", new JsonArray()).stream().map(String::valueOf).toList(),
        duration(table, "leaseDuration", defaults.leaseDuration()),
        duration(table, "renewDeadline", defaults.renewDeadline()),
        duration(table, "retryPeriod", defaults.retryPeriod()), table.getBoolean("insecure", false), null);
    return new RuneConfig(c.dataDir(), c.listenHost(), c.listenPort(), c.node(), c.devMode(), c.store(), c.storage(),
        c.watch(), c.controller(), c.drivers(), c.secrets(), c.nodeLabels(), c.driverSettings(), c.clientTimeouts(),
        cluster);
  }

  private static Duration duration(JsonObject table, String key, Duration otherwise) {
    return table.containsKey(key) ? Durations.parse(table.getString(key)) : otherwise;
  }

  /** Starts the clustered Vert.x: it has joined the group when the future completes. */
  Future<Vertx> start(RuneConfig.Cluster cluster) {
    EventBusOptions bus = new EventBusOptions().setHost(HOST).setPort(cluster.eventBusPort())
        .setClusterPublicHost(HOST);
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(new HazelcastClusterManager(hazelcast(cluster))).buildClustered();
  }

  private Config hazelcast(RuneConfig.Cluster cluster) {
    Config config = new Config().setClusterName(group.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Members that all run here find each other at once: no waiting for others to turn up.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    NetworkConfig network = config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(false)
        .setReuseAddress(true);
    network.getInterfaces().setEnabled(true).addInterface(HOST);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    // As Vert.x's default-cluster.xml has them.
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.getMapConfig("__vertx.haInfo").setBackupCount(1);
    config.getMapConfig("__vertx.nodeInfo").setBackupCount(1);
    return config;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
