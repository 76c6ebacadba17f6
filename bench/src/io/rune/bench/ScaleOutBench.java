package io.rune.bench;

import static io.rune.bench.Session.step;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Scale-out (issue 14): local volumes POST → Available per second on one, two and three
 * clustered runed nodes against one PostgreSQL ({@code bin/rune-postgres}, the database a user
 * runs for several nodes), each beside the database's raw insert+NOTIFY commit rate measured
 * in the same round ({@link RawCommitLoad}, as for the POST figure). Each round has a fresh
 * database and fresh nodes, all on 127.0.0.1, started as a user starts them
 * ({@code bin/runed --config}, a runefile with {@code [cluster]}).
 */
final class ScaleOutBench {
  static final String NAMESPACE = "bench-scaleout";
  /** Clients POSTing at once, spread evenly over the nodes; the POST figure's concurrency. */
  static final int CLIENTS = WriteBench.CONCURRENCY;
  static final int SHARDS = 16;
  private static final Pattern PG_READY = Pattern.compile("rune-postgres: PostgreSQL (\\S+) ready at ");
  private static final Pattern RUNED_READY = Pattern.compile("Rune Storage ready on http://127\\.0\\.0\\.1:(\\d+) ");
  private static final Duration START_DEADLINE = Duration.ofMinutes(5);
  private static final Duration FORM_DEADLINE = Duration.ofMinutes(2);
  private static final Duration AVAILABLE_DEADLINE = Duration.ofMinutes(15);

  /** The volumes each round creates, and the raw run's windows. */
  record Plan(int volumes, Duration rawWarmUp, Duration rawMeasure) {
    static final Plan FULL = new Plan(2_000, Duration.ofSeconds(5), Duration.ofSeconds(10));
    static final Plan QUICK = new Plan(200, Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  /**
   * One round: {@code posted} the seconds until every POST was answered, {@code available} until
   * every volume was Available (both from the first POST); CPU of all the nodes' JVMs together
   * (as the server's), of PostgreSQL and of the bench; who held how many shards when the load began.
   */
  record Round(int nodes, int volumes, double postedSeconds, double availableSeconds, CpuMeter.Usage cpu, Map<String, Integer> shards, Measured raw) {
    double perSecond() {
      return volumes / availableSeconds;
    }
  }

  record Outcome(Plan plan, String revision, String postgres, List<Round> rounds) {}

  private ScaleOutBench() {}

  static Outcome run(Vertx vertx, boolean quick, Path work, Path home) throws Exception {
    Plan plan = quick ? Plan.QUICK : Plan.FULL;
    List<Round> rounds = new ArrayList<>();
    String version = "";
    for (int nodes = 1; nodes <= 3; nodes++) {
      Path dir = work.resolve("scaleout-" + nodes);
      step("scale-out: " + nodes + " node(s): starting bin/rune-postgres on a fresh data directory");
      int pgPort = freePort();
      ChildProcess.Started pg = ChildProcess.start("rune-postgres", List.of(home.resolve("bin/rune-postgres").toString(),
          "--data", dir.resolve("postgres").toString(), "--port", String.valueOf(pgPort)), RunedServer.env(),
          work.resolve("scaleout-" + nodes + "-postgres.log"), PG_READY, START_DEADLINE);
      try {
        version = pg.readyLine().group(1);
        String url = Files.readString(dir.resolve("postgres/store.url")).trim();
        rounds.add(round(vertx, plan, work, home, dir, nodes, url, pgPort));
      } finally {
        step("scale-out: stopping rune-postgres (SIGTERM)");
        pg.process().close();
      }
    }
    return new Outcome(plan, System.getProperty("bench.revision", "unknown"), version, rounds);
  }

  private static Round round(Vertx vertx, Plan plan, Path work, Path home, Path dir, int count, String url, int pgPort)
      throws Exception {
    String password = url.replaceFirst("^postgresql://[^:]+:([^@]+)@.*$", "$1");
    ProcessHandle postmaster = postmaster(dir.resolve("postgres/pg/postmaster.pid"));
    Path key = dir.resolve("secret.key");
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Files.writeString(Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        Base64.getEncoder().encodeToString(bytes) + "\n");
    List<Integer> hazelcast = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      hazelcast.add(freePort());
    }
    List<ChildProcess> started = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    try {
      // The first node alone (it migrates and seeds the new database), then the others together.
      nodes.add(startNode(work, home, dir, 0, url, key, hazelcast, started));
      List<java.util.concurrent.CompletableFuture<Node>> others = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        int index = i;
        others.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return startNode(work, home, dir, index, url, key, hazelcast, started);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }));
      }
      for (var other : others) {
        nodes.add(other.get());
      }
      List<HttpTarget> apis = new ArrayList<>();
      String token = Files.readString(dir.resolve("node-0/admin.token")).trim();
      for (Node node : nodes) {
        apis.add(new HttpTarget(vertx, node.port(), token, Math.max(1, CLIENTS / count)));
      }
      try (DbActivity db = new DbActivity(vertx, pgPort, password)) {
        Map<String, Integer> shards = awaitFormed(db, count);
        MachineCpu.awaitQuiet(Bench.QUIET_DEADLINE);
        step(String.format("scale-out: %d node(s): %,d local volumes POSTed by %d clients spread over them", count,
            plan.volumes(), CLIENTS));
        Round load = load(apis, db, plan.volumes(), postmaster, nodes, shards);
        MachineCpu.awaitQuiet(Bench.QUIET_DEADLINE);
        step("scale-out: " + count + " node(s): the raw insert+NOTIFY commit rate of the same PostgreSQL");
        Measured raw;
        try (RawCommitLoad rawLoad = RawCommitLoad.open(vertx, pgPort, password, CLIENTS)) {
          raw = Measured.run(vertx, "raw insert+NOTIFY", null, postmaster, CLIENTS, plan.rawWarmUp(),
              plan.rawMeasure(), rawLoad::operation);
        }
        return new Round(count, load.volumes(), load.postedSeconds(), load.availableSeconds(), load.cpu(), shards,
            raw);
      } finally {
        apis.forEach(HttpTarget::close);
      }
    } finally {
      step("scale-out: stopping the nodes (SIGTERM)");
      started.forEach(ChildProcess::close);
    }
  }

  record Node(int port, ProcessHandle java) {}

  private static Node startNode(Path work, Path home, Path dir, int index, String url, Path key, List<Integer> hazelcast,
      List<ChildProcess> started) throws IOException {
    int port = freePort();
    String name = "node-" + index;
    String members = hazelcast.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
    Path runefile = dir.resolve(name + ".toml");
    Files.writeString(runefile, """
        [server]
        node = "%s"
        listen = "127.0.0.1:%d"
        dataDir = "%s"
        [store]
        url = "%s"
        [secrets]
        keyFile = "%s"
        [cluster]
        enabled = true
        host = "127.0.0.1"
        port = %d
        eventBusPort = %d
        members = [%s]
        insecure = true
        """.formatted(name, port, dir.resolve(name), url, key, hazelcast.get(index), freePort(), members));
    ChildProcess.Started node = ChildProcess.start(name, List.of(home.resolve("bin/runed").toString(), "--config",
        runefile.toString()), RunedServer.env(), work.resolve("scaleout-" + hazelcast.size() + "-" + name + ".log"), RUNED_READY,
        START_DEADLINE);
    synchronized (started) {
      started.add(node.process());
    }
    return new Node(Integer.parseInt(node.readyLine().group(1)), RunedServer.findJava(node.process().handle()));
  }

  /**
   * Until every node is Ready (its heartbeat younger than the default leaseDuration, 15 s), each
   * holds some of the 16 shards, and who holds how many has not changed for one retryPeriod
   * (2 s), as the database says (not the servers, whose work is being waited for): who holds how many.
   */
  private static Map<String, Integer> awaitFormed(DbActivity db, int count) throws InterruptedException {
    long deadline = System.nanoTime() + FORM_DEADLINE.toNanos();
    Map<String, Integer> held = Map.of();
    Map<String, Integer> before = Map.of();
    while (System.nanoTime() < deadline) {
      held = db.leasesOfReadyNodes(Duration.ofSeconds(15));
      int total = held.values().stream().mapToInt(Integer::intValue).sum();
      if (held.size() == count && total == SHARDS && held.values().stream().allMatch(n -> n > 0)
          && held.equals(before)) {
        return held;
      }
      before = held;
      Thread.sleep(2000); // poll interval of a condition with a deadline: the leases' retryPeriod
    }
    throw new IllegalStateException("the " + count + " nodes did not all become Ready, each holding some of the "
        + SHARDS + " shards and no more moving, within " + FORM_DEADLINE.toSeconds()
        + " s; the last reading (Ready node: shards): " + held);
  }

  /** POSTs {@code volumes} volumes from {@link #CLIENTS} clients (client i → node i mod n), then waits for Available. */
  private static Round load(List<HttpTarget> apis, DbActivity db, int volumes, ProcessHandle postmaster, List<Node> nodes,
      Map<String, Integer> shards) throws InterruptedException {
    CpuMeter meter = new CpuMeter(nodes.stream().map(Node::java).toList(), postmaster);
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> clients = new ArrayList<>();
    long start = System.nanoTime();
    for (int client = 0; client < CLIENTS; client++) {
      Promise<Void> done = Promise.promise();
      clients.add(done.future());
      post(apis.get(client % apis.size()), next, volumes, done);
    }
    Await.result(Future.all(clients), AVAILABLE_DEADLINE, "POSTing the volumes");
    double posted = (System.nanoTime() - start) / 1e9;
    long deadline = start + AVAILABLE_DEADLINE.toNanos();
    DbActivity.Volumes seen = db.volumes();
    while (seen.available() < volumes) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format("after %d minutes %,d of %,d volumes are Available",
            AVAILABLE_DEADLINE.toMinutes(), seen.available(), volumes));
      }
      Thread.sleep(100); // poll interval of a condition with a deadline
      seen = db.volumes();
    }
    double available = (System.nanoTime() - start) / 1e9;
    return new Round(nodes.size(), volumes, posted, available, meter.stop(), shards, null);
  }

  private static void post(HttpTarget api, AtomicInteger next, int volumes, Promise<Void> done) {
    int index = next.getAndIncrement();
    if (index >= volumes) {
      done.tryComplete();
      return;
    }
    api.send(HttpMethod.POST, "/api/v1/namespaces/" + NAMESPACE + "/volumes",
            new JsonObject().put("name", "s" + index).put("size", "1Gi").toBuffer(), 201)
        .onSuccess(created -> post(api, next, volumes, done))
        .onFailure(done::tryFail);
  }

  private static ProcessHandle postmaster(Path pidFile) throws IOException {
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no PostgreSQL with pid " + pid));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
