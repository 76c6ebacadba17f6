package io.rune.bench;

import static io.rune.bench.Session.step;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What runed costs while nothing happens (issue 13): with few volumes and then with many, all
 * Available and nobody asking anything, the server's and PostgreSQL's CPU and the database
 * work over the same window. Idle work must not grow with the number of volumes, so the
 * figure is the ratio of the two windows. Runs its own runed on a fresh data directory.
 */
final class IdleBench {
  static final String NAMESPACE = "bench-idle";
  /** The goal: the window with many volumes costs at most this many times the one with few. */
  static final double GOAL = 2.0;
  /**
   * Volumes per /apply, one transaction each. Writers take turns on the change log's head, so
   * requests in flight wait for each other: small batches keep each wait far below the
   * server's 5 s statement bound while the controller's status writes take turns too.
   */
  static final int BATCH = 100;
  private static final int ATTEMPTS = 5;
  static final int IN_FLIGHT = 4;
  private static final Duration REQUEST_DEADLINE = Duration.ofMinutes(2);
  private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(20);
  /**
   * Settled: every volume Available and no write for this long: longer than the 10 s within
   * which a PostgreSQL backend reports the counts of its last work, so none of the loading's
   * counts lands in the window.
   */
  static final Duration STILL = Duration.ofSeconds(11);
  /** A series of the leases of database connections completed by one of runed's SQL pools. */
  private static final java.util.regex.Pattern SQL_COUNT =
      java.util.regex.Pattern.compile("vertx_pool_completed_total\\{[^}]*pool_type=\"sql\"[^}]*\\} (\\S+)");

  /** Both windows are longer than the controllers' default resyncInterval (30 s), so each holds a resync. */
  record Plan(int few, int many, Duration window) {
    static final Plan FULL = new Plan(100, 10_000, Duration.ofSeconds(60));
    static final Plan QUICK = new Plan(100, 1_000, Duration.ofSeconds(35));
  }

  /** One idle window: CPU in ms, database counters, and how long loading and settling took. */
  /** {@code statements}: the server's own count of connection leases (its SQL pool metrics), -1 when it has none. */
  record Window(int volumes, Duration length, CpuMeter.Usage cpu, DbActivity.Counters db, long statements,
      double loadSeconds, double settleSeconds) {}

  record Outcome(Plan plan, String revision, Window few, Window many) {}

  private IdleBench() {}

  static Outcome run(Vertx vertx, boolean quick, Path work, Path runedHome) throws Exception {
    Plan plan = quick ? Plan.QUICK : Plan.FULL;
    step("idle: starting bin/runed --dev-mode on a fresh data directory");
    try (RunedServer runed = RunedServer.start(runedHome, work.resolve("idle-data"), work.resolve("idle-runed.log"));
        HttpTarget api = new HttpTarget(vertx, runed.port, runed.token, IN_FLIGHT);
        DbActivity db = new DbActivity(vertx, runed.pgPort, runed.pgPassword)) {
      Window few = window(plan, runed, api, db, 0, plan.few());
      Window many = window(plan, runed, api, db, plan.few(), plan.many());
      step("idle: stopping runed (SIGTERM)");
      return new Outcome(plan, System.getProperty("bench.revision", "unknown"), few, many);
    }
  }

  /** Loads volumes {@code from} to {@code to} (exclusive), waits until all are Available and still, measures. */
  private static Window window(Plan plan, RunedServer runed, HttpTarget api, DbActivity db, int from, int to)
      throws InterruptedException {
    step(String.format("idle: loading volumes %,d to %,d through /apply (%d requests of up to %d in flight)",
        from, to, IN_FLIGHT, BATCH));
    long start = System.nanoTime();
    load(api, from, to);
    double loaded = (System.nanoTime() - start) / 1e9;
    step(String.format("idle: waiting until the %,d volumes are Available and nothing is written for %d s", to,
        STILL.toSeconds()));
    start = System.nanoTime();
    awaitSettled(db, to);
    double settled = (System.nanoTime() - start) / 1e9;
    MachineCpu.awaitQuiet(Bench.QUIET_DEADLINE);
    step(String.format("idle: measuring %d s with %,d volumes and no requests", plan.window().toSeconds(), to));
    DbActivity.Counters before = db.read();
    long statementsBefore = statements(api);
    CpuMeter meter = new CpuMeter(runed.java, runed.postmaster);
    long windowStart = System.nanoTime();
    Thread.sleep(plan.window().toMillis()); // the measured window itself: nothing is awaited, time passes
    CpuMeter.Usage cpu = meter.stop();
    Duration length = Duration.ofNanos(System.nanoTime() - windowStart);
    long statementsAfter = statements(api);
    DbActivity.Counters after = db.read();
    long statements = statementsBefore < 0 || statementsAfter < 0 ? -1 : statementsAfter - statementsBefore;
    return new Window(to, length, cpu, after.minus(before), statements, loaded, settled);
  }

  /**
   * The database connections runed's SQL pools have lent so far, from its {@code /metrics}
   * (Vert.x's pool metrics of type sql), or -1 when it reports none. runed's bounded pool lends
   * a connection for each statement outside a transaction and once for each transaction.
   */
  static long statements(HttpTarget api) {
    String text = Await.result(api.send(HttpMethod.GET, "/metrics", null, 200), REQUEST_DEADLINE, "reading /metrics")
        .toString();
    long total = -1;
    for (String line : text.split("\n")) {
      java.util.regex.Matcher m = SQL_COUNT.matcher(line);
      if (m.matches()) {
        total = Math.max(total, 0) + (long) Double.parseDouble(m.group(1));
      }
    }
    return total;
  }

  private static void load(HttpTarget api, int from, int to) {
    List<int[]> batches = new ArrayList<>();
    for (int first = from; first < to; first += BATCH) {
      batches.add(new int[] {first, Math.min(to, first + BATCH)});
    }
    for (int i = 0; i < batches.size(); i += IN_FLIGHT) {
      List<Future<?>> sent = new ArrayList<>();
      for (int[] batch : batches.subList(i, Math.min(batches.size(), i + IN_FLIGHT))) {
        sent.add(apply(api, documents(batch[0], batch[1]), ATTEMPTS));
      }
      Await.result(Future.all(sent), REQUEST_DEADLINE, "applying volumes " + batches.get(i)[0] + "..");
    }
  }

  /** A 503 changed nothing (the server says so): sent again, a few times. */
  private static Future<io.vertx.core.buffer.Buffer> apply(HttpTarget api, JsonArray documents, int attemptsLeft) {
    return api.send(HttpMethod.POST, "/api/v1/apply", documents.toBuffer(), 200).recover(err ->
        attemptsLeft > 1 && String.valueOf(err.getMessage()).contains("answered 503")
            ? apply(api, documents, attemptsLeft - 1) : Future.failedFuture(err));
  }

  private static JsonArray documents(int from, int to) {
    JsonArray documents = new JsonArray();
    for (int i = from; i < to; i++) {
      documents.add(new JsonObject().put("volume", new JsonObject()
          .put("name", VolumeCatalog.name(i)).put("namespace", NAMESPACE).put("size", "1Gi")));
    }
    return documents;
  }

  /** Polls the database (not the server, whose work is being waited for) once a second. */
  private static void awaitSettled(DbActivity db, int count) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
    long stillSince = System.nanoTime();
    long head = -1;
    DbActivity.Volumes seen;
    while (true) {
      seen = db.volumes();
      if (seen.head() != head) {
        head = seen.head();
        stillSince = System.nanoTime();
      }
      if (seen.stored() == count && seen.available() == count && System.nanoTime() - stillSince >= STILL.toNanos()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format("after %d minutes %,d of %,d volumes are Available"
            + " (%,d stored); see the idle runed's log", SETTLE_DEADLINE.toMinutes(), seen.available(), count,
            seen.stored()));
      }
      Thread.sleep(1000); // poll interval of a condition with a deadline
    }
  }
}
