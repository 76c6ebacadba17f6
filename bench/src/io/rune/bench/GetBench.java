package io.rune.bench;

import static io.rune.bench.Session.ms;
import static io.rune.bench.Session.rate;
import static io.rune.bench.Session.step;
import static io.rune.bench.Session.window;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** GET of one volume on runed beside the bare Vert.x server doing the same select. */
final class GetBench {
  static final int CONNECTIONS = 64;
  /** runed's default store.poolSize; the bare server gets the same. */
  static final int RUNED_POOL_SIZE = 8;
  static final double RATIO_GOAL = 0.6;
  static final double P99_GOAL_MS = 5;

  private final Session session;
  private final Bench.Plan plan;
  private final List<Measured> runeRounds = new ArrayList<>();
  private final List<Measured> bareRounds = new ArrayList<>();
  private Measured singleRune;
  private Measured singleBare;
  /** Requests per second of the open-loop runs: half the bare server's best closed-loop rate. */
  private double openRate;
  private OpenLoop.Outcome openRune;
  private OpenLoop.Outcome openBare;
  private ClientThreadCheck.Outcome plainThreads;

  private GetBench(Session session) {
    this.session = session;
    this.plan = session.plan();
  }

  static void run(Session session) throws Exception {
    GetBench bench = new GetBench(session);
    bench.measure();
    bench.report();
  }

  private void measure() throws Exception {
    RunedServer runed = session.runed();
    String name = VolumeCatalog.name(4242);
    String runePath = "/api/v1/namespaces/" + VolumeCatalog.NAMESPACE + "/volumes/" + name;
    String barePath = "/volumes/" + VolumeCatalog.NAMESPACE + "/" + name;
    ClosedLoop.Operation runeGet = (worker, seq) -> session.api().send(HttpMethod.GET, runePath, null, 200);
    try (BareServerProcess bare = BareServerProcess.start(runed.javaCommand(), runed.jvmOptions(), runed.pgPort, runed.pgPassword,
        RUNED_POOL_SIZE, session.work().resolve("bare.log"));
         HttpTarget bareApi = new HttpTarget(session.vertx(), bare.port, runed.token, CONNECTIONS)) {
      ClosedLoop.Operation bareGet = (worker, seq) -> bareApi.send(HttpMethod.GET, barePath, null, 200);
      expectName(session.api(), runePath, name);
      expectName(bareApi, barePath, name);
      step("GET warm-up of runed, then of the bare server " + bare.shape + ", " + plan.getWarmUp().toSeconds()
          + " s each");
      ClosedLoop.run(session.vertx(), "runed GET warm-up", CONNECTIONS, Duration.ZERO, plan.getWarmUp(), runeGet);
      ClosedLoop.run(session.vertx(), "bare GET warm-up", CONNECTIONS, Duration.ZERO, plan.getWarmUp(), bareGet);
      for (int round = 1; round <= plan.getRounds(); round++) {
        step("GET round " + round + " of " + plan.getRounds() + ": " + CONNECTIONS + " connections, "
            + window(plan.roundWarmUp(), plan.getMeasure()) + ", runed then bare");
        session.quiet("GET round " + round + " on runed");
        runeRounds.add(Measured.run(session.vertx(), "runed GET", runed.java, runed.postmaster, CONNECTIONS,
            plan.roundWarmUp(), plan.getMeasure(), runeGet));
        session.quiet("GET round " + round + " on the bare server");
        bareRounds.add(Measured.run(session.vertx(), "bare GET", bare.handle(), runed.postmaster, CONNECTIONS,
            plan.roundWarmUp(), plan.getMeasure(), bareGet));
      }
      step("GET with a single connection, for the latency without queueing: runed then bare");
      session.quiet("the single-connection GET runs");
      singleRune = Measured.run(session.vertx(), "runed GET, 1 connection", runed.java, runed.postmaster, 1,
          plan.roundWarmUp(), plan.singleMeasure(), runeGet);
      singleBare = Measured.run(session.vertx(), "bare GET, 1 connection", bare.handle(), runed.postmaster, 1,
          plan.roundWarmUp(), plan.singleMeasure(), bareGet);
      openRate = bareRounds.stream().mapToDouble(Measured::perSecond).max().getAsDouble() / 2;
      step(String.format("GET open loop at %,.0f req/s (half the bare server's maximum), latency from each"
          + " request's scheduled start: runed then bare, %s", openRate, window(plan.roundWarmUp(), plan.getMeasure())));
      session.quiet("the open-loop GET run on runed");
      openRune = openLoop("runed GET, open loop", runed.java, runeGet);
      session.quiet("the open-loop GET run on the bare server");
      openBare = openLoop("bare GET, open loop", bare.handle(), bareGet);
      plainThreads = ClientThreadCheck.run(session.api(), runePath, session.plan() == Bench.Plan.QUICK ? 6_000 : 30_000);
    }
  }

  private OpenLoop.Outcome openLoop(String target, ProcessHandle server, ClosedLoop.Operation get)
      throws InterruptedException {
    CpuMeter meter = new CpuMeter(server, session.runed().postmaster);
    OpenLoop.Outcome outcome = OpenLoop.run(session.vertx(), target, openRate, plan.roundWarmUp(), plan.getMeasure(), get);
    step(String.format("  %s, %d unanswered (other processes took %.0f%% of the CPU meanwhile)",
        outcome.load().summary(), outcome.unanswered(), meter.stop().othersShare() * 100));
    return outcome;
  }

  private void report() {
    Measured rune = runeRounds.stream().max(Comparator.comparingDouble(Measured::perSecond)).get();
    Measured bare = bareRounds.stream().max(Comparator.comparingDouble(Measured::perSecond)).get();
    double ratio = rune.perSecond() / bare.perSecond();
    String load = "GET one volume, " + CONNECTIONS + " connections";
    Report report = session.report();
    report.add(load + ": throughput", rate(rune.perSecond(), "req/s"), "bare Vert.x + PG: "
        + rate(bare.perSecond(), "req/s"), String.format("%.2f", ratio), "≥ " + RATIO_GOAL + " × bare",
        ratio >= RATIO_GOAL);
    report.add(load + ": p50 latency", ms(rune.load().p50Millis()), "bare: " + ms(bare.load().p50Millis()), "",
        "(info)", null);
    report.add(load + ": p99 latency (queueing, by Little's law)", ms(rune.load().p99Millis()),
        "bare: " + ms(bare.load().p99Millis()), "", "(info)", null);
    LoadResult open = openRune.load();
    report.add(String.format("GET one volume, open loop at %,.0f req/s (½ bare max): p50 / p99 latency", openRate),
        ms(open.p50Millis()) + " / " + ms(open.p99Millis()), "bare: " + ms(openBare.load().p50Millis()) + " / "
        + ms(openBare.load().p99Millis()), "", "p99 ≤ " + (int) P99_GOAL_MS + " ms",
        open.p99Millis() <= P99_GOAL_MS && open.errors() == 0 && openRune.unanswered() == 0);
    report.add("CPU µs per GET: server JVM / PostgreSQL / load generator", rune.cpuPerOperation(),
        "bare: " + bare.cpuPerOperation(), "", "(info)", null);
    report.add("GET one volume, 1 connection: p50 / p99 latency", ms(singleRune.load().p50Millis()) + " / "
        + ms(singleRune.load().p99Millis()), "bare: " + ms(singleBare.load().p50Millis()) + " / "
        + ms(singleBare.load().p99Millis()), "", "(info)", null);
    report.add(String.format("Vert.x HTTP client called from %d plain threads: GETs never answered nor timed out",
        ClientThreadCheck.THREADS), String.format("%d of %,d", plainThreads.unanswered(), plainThreads.sent()),
        "", "", "(info)", null);
    List<String> observations = session.observations();
    observations.add("GET: each figure is the round with the higher throughput, of " + plan.getRounds()
        + ". Rounds on runed: " + runeRounds.stream().map(Measured::summary).toList()
        + "; on the bare server: " + bareRounds.stream().map(Measured::summary).toList() + ".");
    observations.add(String.format("With %d connections in a closed loop the mean latency is %d / throughput"
        + " (Little's law): %.1f ms for runed, %.1f ms for the bare server. A p99 under %.0f ms at this"
        + " concurrency needs more than %,.0f req/s.", CONNECTIONS, CONNECTIONS,
        1000.0 * CONNECTIONS / rune.perSecond(), 1000.0 * CONNECTIONS / bare.perSecond(), P99_GOAL_MS,
        CONNECTIONS * 1000 / P99_GOAL_MS));
    observations.add("Single connection: " + singleRune.summary() + "; " + singleBare.summary() + ".");
    observations.add(String.format("Open loop (requests on a fixed schedule of %,.0f req/s, %d sending event loops,"
        + " latency from the scheduled start): %s, %d unanswered; %s, %d unanswered.", openRate, OpenLoop.SENDERS,
        openRune.load().summary(), openRune.unanswered(), openBare.load().summary(), openBare.unanswered()));
  }

  private static void expectName(HttpTarget target, String path, String name) {
    JsonObject answer = Await.result(target.send(HttpMethod.GET, path, null, 200), Duration.ofSeconds(30),
        "GET " + path).toJsonObject();
    if (!name.equals(answer.getString("name"))) {
      throw new IllegalStateException("GET " + path + " answered another object: " + answer);
    }
  }
}
