package io.rune.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The benchmark of Rune Storage: starts runed on a fresh data directory and measures it beside
 * limits taken in the same run (a bare Vert.x server, the database's raw commit rate), then
 * prints the table and writes docs/BENCHMARKS.md. Arguments: the project root, a scratch directory.
 */
public final class Bench {
  /** runed's default store.poolSize; the bare server gets the same. */
  static final int RUNED_POOL_SIZE = 8;
  static final int GET_CONNECTIONS = 64;
  static final int WRITE_CONCURRENCY = 16;
  static final int LISTING_RUNS = 5;
  static final double GET_RATIO_GOAL = 0.6;
  static final double GET_P99_GOAL_MS = 5;
  static final double WRITE_RATIO_GOAL = 0.5;
  static final double RSS_GOAL_MIB = 300;
  static final double LIST_GOAL_MS = 200;

  /** The measurement windows; {@code -Dbench.quick=true} shortens them to try the harness out. */
  record Plan(Duration getWarmUp, Duration getMeasure, Duration writeWarmUp, Duration writeMeasure) {
    static final Plan FULL = new Plan(Duration.ofSeconds(5), Duration.ofSeconds(15),
        Duration.ofSeconds(2), Duration.ofSeconds(10));
    static final Plan QUICK = new Plan(Duration.ofSeconds(1), Duration.ofSeconds(3),
        Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  private final Vertx vertx;
  private final Path root;
  private final Path work;
  private final Plan plan;
  private final Report report = new Report();
  private final List<String> observations = new ArrayList<>();

  private Bench(Vertx vertx, Path root, Path work, Plan plan) {
    this.vertx = vertx;
    this.root = root;
    this.work = work;
    this.plan = plan;
  }

  public static void main(String[] args) {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path work = Path.of(args[1]).toAbsolutePath();
    Plan plan = Boolean.getBoolean("bench.quick") ? Plan.QUICK : Plan.FULL;
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      Bench bench = new Bench(vertx, root, work, plan);
      Map<String, String> facts = bench.run();
      System.out.println();
      System.out.print(bench.report.text());
      Path doc = root.resolve("docs/BENCHMARKS.md");
      BenchmarksDoc.write(doc, root.resolve("bench/NOTES.md"), plan, facts, bench.report, bench.observations);
      System.out.println("\nWritten to " + doc);
      status = bench.report.failures().isEmpty() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      status = 2;
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(30), "closing the bench's Vert.x");
    }
    System.exit(status);
  }

  private Map<String, String> run() throws Exception {
    step("starting bin/runed --dev-mode on a fresh data directory (log: " + work.resolve("runed.log") + ")");
    try (RunedServer runed = RunedServer.start(root, work.resolve("runed-data"), work.resolve("runed.log"))) {
      String java = runed.java.info().command().orElse("java");
      List<String> jvmOptions = runed.jvmOptions();
      Map<String, String> facts = Machine.facts(vertx, java, jvmOptions, runed.pgPort);
      try (HttpTarget api = new HttpTarget(vertx, runed.port, runed.token, GET_CONNECTIONS)) {
        measureCatalog(runed, api);
        measureGets(runed, api, java, jvmOptions);
        measureWrites(runed, api);
        step("waiting for runed's RSS to settle after all runs");
        long endKib = ResidentMemory.settled(runed.java);
        report.add("RSS at the end, after all runs (no forced GC)", mib(endKib), "—", "", "(< "
            + (int) RSS_GOAL_MIB + " MiB wished)", null);
      }
      step("stopping runed (SIGTERM)");
      return facts;
    }
  }

  /** The 10,000 volumes: listing time and the memory of the server holding them. */
  private void measureCatalog(RunedServer runed, HttpTarget api) throws Exception {
    step("loading " + VolumeCatalog.COUNT + " volumes through /apply");
    long start = System.nanoTime();
    VolumeCatalog.load(api);
    observations.add(String.format("Loading %,d volumes through `/apply` (batches of 500, one transaction each)"
        + " took %.1f s.", VolumeCatalog.COUNT, (System.nanoTime() - start) / 1e9));

    step("listing them, 1 warm-up + " + LISTING_RUNS + " runs");
    VolumeCatalog.listAll(api);
    double[] runs = new double[LISTING_RUNS];
    for (int i = 0; i < LISTING_RUNS; i++) {
      runs[i] = VolumeCatalog.listAll(api);
    }
    double best = Arrays.stream(runs).min().getAsDouble();
    report.add("List 10,000 volumes (limit=1000, following continue), best of " + LISTING_RUNS,
        String.format("%.0f ms", best), "—", "", "< " + (int) LIST_GOAL_MS + " ms", best < LIST_GOAL_MS);
    observations.add("Listing runs (ms): " + Arrays.stream(runs).mapToObj(r -> String.format("%.0f", r)).toList()
        + ".");

    step("runed's RSS with the volumes loaded: settle, full GC (jcmd GC.run), settle");
    long idleKib = ResidentMemory.settled(runed.java);
    ResidentMemory.collectGarbage(runed.java);
    long gcKib = ResidentMemory.settled(runed.java);
    report.add("RSS with 10,000 volumes loaded, after a full GC", mib(gcKib), "—", "",
        "< " + (int) RSS_GOAL_MIB + " MiB", gcKib / 1024.0 < RSS_GOAL_MIB);
    report.add("RSS with 10,000 volumes loaded, before that GC", mib(idleKib), "—", "", "(info)", null);
  }

  private void measureGets(RunedServer runed, HttpTarget api, String java, List<String> jvmOptions)
      throws Exception {
    String name = VolumeCatalog.name(4242);
    String path = "/api/v1/namespaces/" + VolumeCatalog.NAMESPACE + "/volumes/" + name;
    expectName(api, path, name);
    step("GET on runed: " + GET_CONNECTIONS + " connections, " + window(plan.getWarmUp(), plan.getMeasure()));
    CpuMeter cpu = new CpuMeter(runed.java, runed.postmaster);
    LoadResult rune = ClosedLoop.run(vertx, "runed GET", GET_CONNECTIONS, plan.getWarmUp(), plan.getMeasure(),
        (worker, seq) -> api.send(HttpMethod.GET, path, null, 200));
    CpuMeter.Usage runeCpu = cpu.stop();
    System.err.println("bench:   " + rune.summary());

    LoadResult bare;
    CpuMeter.Usage bareCpu;
    try (BareServerProcess server = BareServerProcess.start(java, jvmOptions, runed.pgPort, RUNED_POOL_SIZE,
        work.resolve("bare.log"));
         HttpTarget bareApi = new HttpTarget(vertx, server.port, runed.token, GET_CONNECTIONS)) {
      String barePath = "/volumes/" + VolumeCatalog.NAMESPACE + "/" + name;
      expectName(bareApi, barePath, name);
      step("GET on the bare server " + server.shape + ": same load");
      cpu = new CpuMeter(server.handle(), runed.postmaster);
      bare = ClosedLoop.run(vertx, "bare GET", GET_CONNECTIONS, plan.getWarmUp(), plan.getMeasure(),
          (worker, seq) -> bareApi.send(HttpMethod.GET, barePath, null, 200));
      bareCpu = cpu.stop();
      System.err.println("bench:   " + bare.summary());
    }
    double ratio = rune.perSecond() / bare.perSecond();
    String load = "GET one volume, " + GET_CONNECTIONS + " connections";
    report.add(load + ": throughput", rate(rune.perSecond(), "req/s"), "bare Vert.x + PG: " + rate(bare.perSecond(),
        "req/s"), String.format("%.2f", ratio), "≥ " + GET_RATIO_GOAL + " × bare", ratio >= GET_RATIO_GOAL);
    report.add(load + ": p50 latency", ms(rune.p50Millis()), "bare: " + ms(bare.p50Millis()), "", "(info)", null);
    report.add(load + ": p99 latency", ms(rune.p99Millis()), "bare: " + ms(bare.p99Millis()), "",
        "< " + (int) GET_P99_GOAL_MS + " ms", rune.p99Millis() < GET_P99_GOAL_MS);
    report.add("CPU µs per GET: server JVM / PostgreSQL / load generator", runeCpu.perOperation(rune.okWithWarmUp()),
        "bare: " + bareCpu.perOperation(bare.okWithWarmUp()), "", "(info)", null);
    observations.add("GET runs: " + rune.summary() + "; " + bare.summary() + ".");
  }

  private void measureWrites(RunedServer runed, HttpTarget api) {
    step("POST volume on runed: " + WRITE_CONCURRENCY + " concurrent clients, "
        + window(plan.writeWarmUp(), plan.writeMeasure()));
    CpuMeter cpu = new CpuMeter(runed.java, runed.postmaster);
    LoadResult rune = ClosedLoop.run(vertx, "runed POST", WRITE_CONCURRENCY, plan.writeWarmUp(), plan.writeMeasure(),
        (worker, seq) -> api.send(HttpMethod.POST, "/api/v1/namespaces/bench-write/volumes",
            new JsonObject().put("name", "w" + worker + "-" + seq).put("size", "1Gi").toBuffer(), 201));
    CpuMeter.Usage runeCpu = cpu.stop();
    System.err.println("bench:   " + rune.summary());

    step("raw insert+NOTIFY commits through the Vert.x PG client: same concurrency and windows");
    LoadResult raw;
    CpuMeter.Usage rawCpu;
    try (RawCommitLoad rawLoad = RawCommitLoad.open(vertx, runed.pgPort, WRITE_CONCURRENCY)) {
      cpu = new CpuMeter(ProcessHandle.current(), runed.postmaster);
      raw = rawLoad.run(plan.writeWarmUp(), plan.writeMeasure());
      rawCpu = cpu.stop();
    }
    System.err.println("bench:   " + raw.summary());

    double ratio = rune.perSecond() / raw.perSecond();
    String load = "POST volume, " + WRITE_CONCURRENCY + " concurrent clients";
    report.add(load + ": writes/s", rate(rune.perSecond(), "/s"), "raw insert+NOTIFY: " + rate(raw.perSecond(), "/s"),
        String.format("%.2f", ratio), "≥ " + WRITE_RATIO_GOAL + " × raw", ratio >= WRITE_RATIO_GOAL);
    report.add(load + ": p50 / p99 latency", ms(rune.p50Millis()) + " / " + ms(rune.p99Millis()),
        "raw: " + ms(raw.p50Millis()) + " / " + ms(raw.p99Millis()), "", "(info)", null);
    report.add("CPU µs per write: server JVM / PostgreSQL / load generator", runeCpu.perOperation(rune.okWithWarmUp()),
        "raw: " + rawCpu.perOperation(raw.okWithWarmUp()).replaceFirst("^\\S+ / ", "— / "), "", "(info)", null);
    observations.add("Write runs: " + rune.summary() + "; " + raw.summary() + ".");
  }

  private static void expectName(HttpTarget target, String path, String name) {
    JsonObject answer = Await.result(target.send(HttpMethod.GET, path, null, 200), Duration.ofSeconds(30),
        "GET " + path).toJsonObject();
    if (!name.equals(answer.getString("name"))) {
      throw new IllegalStateException("GET " + path + " answered another object: " + answer);
    }
  }

  private static void step(String what) {
    System.err.println("bench: " + what);
  }

  private static String window(Duration warmUp, Duration measure) {
    return warmUp.toSeconds() + " s warm-up + " + measure.toSeconds() + " s measured";
  }

  private static String rate(double perSecond, String unit) {
    return String.format("%,.0f %s", perSecond, unit);
  }

  private static String ms(double millis) {
    return String.format("%.2f ms", millis);
  }

  private static String mib(long kib) {
    return String.format("%.0f MiB", kib / 1024.0);
  }
}
