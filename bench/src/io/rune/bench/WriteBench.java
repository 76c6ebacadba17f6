package io.rune.bench;

import static io.rune.bench.Session.ms;
import static io.rune.bench.Session.rate;
import static io.rune.bench.Session.step;
import static io.rune.bench.Session.window;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * POST of new volumes on runed beside the database's raw insert+NOTIFY commit rate; the raw run is
 * also the limit of the end-to-end figures ({@link LifecycleBench}).
 */
final class WriteBench {
  static final int CONCURRENCY = 16;
  static final double RATIO_GOAL = 0.5;

  private WriteBench() {}

  /** Answers the raw insert+NOTIFY run. */
  static Measured run(Session session) throws InterruptedException {
    Bench.Plan plan = session.plan();
    RunedServer runed = session.runed();
    session.quiet("the runed POST run");
    step("POST volume on runed: " + CONCURRENCY + " concurrent clients, "
        + window(plan.writeWarmUp(), plan.writeMeasure()));
    Measured rune = Measured.run(session.vertx(), "runed POST", runed.java, runed.postmaster, CONCURRENCY,
        plan.writeWarmUp(), plan.writeMeasure(),
        (worker, seq) -> session.api().send(HttpMethod.POST, "/api/v1/namespaces/bench-write/volumes",
            new JsonObject().put("name", "w" + worker + "-" + seq).put("size", "1Gi").toBuffer(), 201));

    session.quiet("the raw commit run");
    step("raw insert+NOTIFY commits through the Vert.x PG client: same concurrency and windows");
    Measured raw;
    try (RawCommitLoad rawLoad = RawCommitLoad.open(session.vertx(), runed.pgPort, runed.pgPassword, CONCURRENCY)) {
      raw = Measured.run(session.vertx(), "raw insert+NOTIFY", null, runed.postmaster, CONCURRENCY,
          plan.writeWarmUp(), plan.writeMeasure(), rawLoad::operation);
    }

    double ratio = rune.perSecond() / raw.perSecond();
    String load = "POST volume, " + CONCURRENCY + " concurrent clients";
    Report report = session.report();
    report.add(load + ": writes/s", rate(rune.perSecond(), "/s"), "raw insert+NOTIFY: " + rate(raw.perSecond(), "/s"),
        String.format("%.2f", ratio), "≥ " + RATIO_GOAL + " × raw", ratio >= RATIO_GOAL);
    report.add(load + ": p50 / p99 latency", ms(rune.load().p50Millis()) + " / " + ms(rune.load().p99Millis()),
        "raw: " + ms(raw.load().p50Millis()) + " / " + ms(raw.load().p99Millis()), "", "(info)", null);
    report.add("CPU µs per write: server JVM / PostgreSQL / load generator", rune.cpuPerOperation(),
        "raw: " + raw.cpuPerOperation(), "", "(info)", null);
    session.observations().add("Writes: " + rune.summary() + "; " + raw.summary() + ".");
    return raw;
  }
}
