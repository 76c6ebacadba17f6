package io.rune.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Several real {@code bin/runed} processes on 127.0.0.1 forming one cluster, as a user runs
 * them (CLUSTER.md): one database of the shared test PostgreSQL, each node with its own
 * HOME, runefile and free ports (HTTP, Hazelcast, event bus), the {@code test-counting}
 * driver on their class path logging every driver call to one file. Nodes start in
 * parallel, since starting is the slow part; a test kills, pauses, resumes and restarts
 * them by pid.
 */
public final class RunedCluster implements AutoCloseable {
  public static final Duration START = Duration.ofSeconds(120);

  private final Settings settings;
  private final String databaseUrl;
  private final Path callLog;
  private final Path keyFile;
  private final List<RunedNode> nodes = new ArrayList<>();

  /**
   * What a test cluster is made of, with short leases: a killed node's shards move within
   * seconds, not the 15 s a production default would take.
   *
   * @param name prefix of the database and of the homes
   * @param nodeNames the nodes, each a DNS label
   * @param clustered false leaves out [cluster]: nodes then share only the database
   */
  public record Settings(String name, List<String> nodeNames, Duration leaseDuration, Duration renewDeadline,
      Duration retryPeriod, boolean clustered) {
    public static Settings of(String name, String... nodeNames) {
      return new Settings(name, List.of(nodeNames), Duration.ofSeconds(3), Duration.ofSeconds(2),
          Duration.ofMillis(500), true);
    }

    public Settings unclustered() {
      return new Settings(name, nodeNames, leaseDuration, renewDeadline, retryPeriod, false);
    }
  }

  private RunedCluster(Settings settings) {
    this.settings = settings;
    this.databaseUrl = TestPostgres.newDatabaseUrl(settings.name());
    Path shared = TestServer.tempDir(settings.name() + "-shared");
    this.callLog = shared.resolve("driver-calls.log");
    this.keyFile = shared.resolve("secret.key");
  }

  /** Starts every node at once and waits (two minutes at most) until each printed its ready line. */
  public static RunedCluster start(Settings settings) {
    RunedCluster cluster = new RunedCluster(settings);
    try {
      cluster.writeSharedKey();
      Map<String, int[]> ports = new LinkedHashMap<>();
      for (String name : settings.nodeNames()) {
        ports.put(name, new int[] {RunedProcess.freePort(), RunedProcess.freePort(), RunedProcess.freePort()});
      }
      String members = ports.values().stream().map(p -> "\"127.0.0.1:" + p[1] + "\"")
          .collect(Collectors.joining(", ", "[", "]"));
      for (Map.Entry<String, int[]> node : ports.entrySet()) {
        Path home = TestServer.tempDir(settings.name() + "-" + node.getKey());
        int[] p = node.getValue();
        Path runefile = home.resolve("runefile.toml");
        Files.writeString(runefile, cluster.runefile(node.getKey(), home, p[0], p[1], p[2], members));
        cluster.nodes.add(new RunedNode(node.getKey(), home, p[0], runefile, cluster.environment(), ""));
      }
      cluster.startAll(cluster.nodes);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** Starts these (stopped) nodes at once and waits until each is ready. */
  public void startAll(List<RunedNode> which) {
    long began = System.nanoTime();
    CompletableFuture.allOf(which.stream().map(RunedNode::startAsync).toArray(CompletableFuture[]::new))
        .orTimeout(START.toSeconds(), TimeUnit.SECONDS).join();
    System.out.printf("[cluster] started %s in %d ms%n", which.stream().map(RunedNode::name).toList(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
  }

  public List<RunedNode> nodes() {
    return List.copyOf(nodes);
  }

  public RunedNode node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + settings.nodeNames()));
  }

  public Settings settings() {
    return settings;
  }

  /**
   * The first-boot admin token: written by the one node that recorded it in the database
   * (nodes start at once, so which one is not known in advance).
   */
  public String adminToken() {
    for (RunedNode node : nodes) {
      Path file = node.dataDir().resolve("admin.token");
      if (Files.exists(file)) {
        try {
          return Files.readString(file).trim();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new AssertionError("no node wrote admin.token under " + nodes.stream().map(RunedNode::home).toList());
  }

  /** A client of {@code node}'s REST API with the admin token. */
  public Http http(RunedNode node) {
    return new Http(node.baseUrl(), adminToken());
  }

  public Http http(String node) {
    return http(node(node));
  }

  public String databaseUrl() {
    return databaseUrl;
  }

  /** One line of the test-counting driver's log. */
  public record DriverCall(String op, String subject, String node, String outcome) {}

  /** Every driver call logged so far by every node, in the order of the file. */
  public List<DriverCall> driverCalls() {
    if (!Files.exists(callLog)) {
      return List.of();
    }
    try {
      return Files.readAllLines(callLog, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank())
          .map(line -> line.split(" ")).map(f -> new DriverCall(f[0], f[1], f[2], f[3])).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Per volume uid, how many provision calls made its storage ("created"). */
  public Map<String, Long> provisionsCreatedPerUid() {
    return driverCalls().stream().filter(c -> c.op().equals("provision") && c.outcome().equals("created"))
        .collect(Collectors.groupingBy(DriverCall::subject, Collectors.counting()));
  }

  /** The rows of a query on the cluster's database (JDBC; the test thread may block). */
  public List<Map<String, Object>> query(String sql) {
    String database = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
    try (Connection conn = TestPostgres.server().getDatabase("postgres", database).getConnection();
         Statement statement = conn.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      List<Map<String, Object>> result = new ArrayList<>();
      while (rows.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
          row.put(rows.getMetaData().getColumnLabel(i), rows.getObject(i));
        }
        result.add(row);
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql, e);
    }
  }

  /** The holder of each shard whose lease has not expired, by the database's clock. */
  public Map<Integer, String> liveLeases() {
    Map<Integer, String> holders = new LinkedHashMap<>();
    query("SELECT shard, holder FROM leases WHERE holder IS NOT NULL AND expires_at > now() ORDER BY shard")
        .forEach(row -> holders.put(((Number) row.get("shard")).intValue(), (String) row.get("holder")));
    return holders;
  }

  /** What the rune CLI printed for {@code args}, run as a user of {@code node} with the admin token. */
  public RunedNode.CliResult rune(RunedNode node, String... args) {
    return node.rune(adminToken(), args);
  }

  /** SIGCONT to paused nodes, then SIGTERM to all at once. */
  @Override
  public void close() {
    nodes.forEach(RunedNode::resume);
    CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::close))
        .toArray(CompletableFuture[]::new)).join();
  }

  private Map<String, String> environment() {
    // The test drivers (test-counting among them) load in runed from the test classes.
    return Map.of("RUNE_EXTRA_CLASSPATH", Path.of("rune-server", "target", "test-classes").toAbsolutePath().toString());
  }

  /** Every node of a cluster needs the same secret key (README): one file, 0600. */
  private void writeSharedKey() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
  }

  private String runefile(String node, Path home, int http, int hazelcast, int eventBus, String members) {
    String cluster = !settings.clustered() ? "" : """
        [cluster]
        enabled = true
        host = "127.0.0.1"
        port = %d
        eventBusPort = %d
        members = %s
        leaseDuration = "%dms"
        renewDeadline = "%dms"
        retryPeriod = "%dms"
        insecure = true
        """.formatted(hazelcast, eventBus, members, settings.leaseDuration().toMillis(),
        settings.renewDeadline().toMillis(), settings.retryPeriod().toMillis());
    return """
        [server]
        listen = "127.0.0.1:%d"
        dataDir = "%s"
        node = "%s"

        [server.labels]
        "test.rune.io/node" = "%s"

        [store]
        url = "%s"

        [storage]
        defaultStorageClass = "local"

        [storage.drivers.test-counting]
        callLog = "%s"

        [drivers]
        callTimeout = "10s"

        [controller]
        initialBackoff = "200ms"
        maxBackoff = "2s"
        resyncInterval = "5s"

        [secrets]
        keyFile = "%s"

        %s""".formatted(http, home.resolve(".rune"), node, node, databaseUrl, callLog, keyFile, cluster);
  }

  /** Fails unless every node is still running (a node that died on its own is a finding). */
  public void assertAllAlive() {
    for (RunedNode node : nodes) {
      assertThat(node.alive()).as("node %s is running; its log:%n%s", node.name(), node.logTail(60)).isTrue();
    }
  }
}
