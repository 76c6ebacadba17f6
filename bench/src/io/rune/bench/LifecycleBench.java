package io.rune.bench;

import static io.rune.bench.Session.rate;
import static io.rune.bench.Session.step;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Local volumes end to end (issue 20): {@link WriteBench#CONCURRENCY} clients POST the volumes
 * (default StorageClass), timed until every one is Available; then DELETE them all, timed until
 * every one is gone. Each beside its limit from the same run: the raw insert+NOTIFY commit rate
 * at the same concurrency divided by the write transactions one volume took ({@link StatementStats}).
 */
final class LifecycleBench {
  static final String NAMESPACE = "bench-lifecycle";
  static final double RATIO_GOAL = 0.5;
  static final int VOLUMES = 1_000;
  static final int QUICK_VOLUMES = 200;
  private static final Duration DEADLINE = Duration.ofMinutes(15);
  /** How often the database is asked how many volumes are there yet: cheap, and read as the superuser. */
  private static final Duration POLL = Duration.ofMillis(50);

  /**
   * One phase: seconds from the first request until the last volume got there, what the database
   * did, and the share of the machine other processes took meanwhile.
   */
  record Phase(int volumes, double seconds, StatementStats.Counters work, double othersShare) {
    double perSecond() {
      return volumes / seconds;
    }

    double per(long count) {
      return (double) count / volumes;
    }
  }

  private LifecycleBench() {}

  static void run(Session session, Measured raw) throws Exception {
    int volumes = session.plan() == Bench.Plan.QUICK ? QUICK_VOLUMES : VOLUMES;
    RunedServer runed = session.runed();
    try (StatementStats stats = StatementStats.open(session.vertx(), runed.pgPort, runed.dataDir)) {
      session.quiet("the provisioning run");
      step(String.format("provisioning: %,d local volumes POSTed by %d clients, timed until all are Available",
          volumes, WriteBench.CONCURRENCY));
      Phase created = phase(session, stats, volumes, HttpMethod.POST, 201, seen -> seen.available() == volumes);
      session.quiet("the deletion run");
      step(String.format("deletion: the %,d volumes DELETEd by %d clients, timed until all are gone", volumes,
          WriteBench.CONCURRENCY));
      Phase deleted = phase(session, stats, volumes, HttpMethod.DELETE, 200, seen -> seen.stored() == 0);
      report(session, raw, "Provisioning: " + String.format("%,d", volumes) + " local volumes POST → Available",
          created);
      report(session, raw, "Deletion: " + String.format("%,d", volumes) + " volumes DELETE → gone", deleted);
    }
  }

  private static Phase phase(Session session, StatementStats stats, int volumes, HttpMethod method, int status,
      Predicate<StatementStats.Volumes> done) throws InterruptedException {
    StatementStats.Counters before = stats.read();
    CpuMeter meter = new CpuMeter(session.runed().java, session.runed().postmaster);
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> clients = new ArrayList<>();
    long start = System.nanoTime();
    for (int client = 0; client < WriteBench.CONCURRENCY; client++) {
      Promise<Void> finished = Promise.promise();
      clients.add(finished.future());
      // Sent from an event loop, not from this thread: see bench/NOTES.md on the Vert.x client.
      session.vertx().getOrCreateContext().runOnContext(v -> send(session.api(), method, status, next, volumes, finished));
    }
    Await.result(Future.all(clients), DEADLINE, method + " of the volumes");
    long deadline = start + DEADLINE.toNanos();
    StatementStats.Volumes seen = stats.volumes(NAMESPACE);
    while (!done.test(seen)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format("%s: after %d minutes %,d volumes are stored, %,d Available",
            method, DEADLINE.toMinutes(), seen.stored(), seen.available()));
      }
      Thread.sleep(POLL.toMillis()); // poll interval of a condition with a deadline
      seen = stats.volumes(NAMESPACE);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double others = meter.stop().othersShare();
    Phase phase = new Phase(volumes, seconds, stats.read().minus(before), others);
    step(String.format("  %,.0f volumes/s (%.1f s); per volume: %.1f statements, %.1f of them writing rows,"
        + " %.2f write transactions (other processes took %.0f%% of the CPU meanwhile)", phase.perSecond(), seconds,
        phase.per(phase.work().statements()), phase.per(phase.work().writeStatements()),
        phase.per(phase.work().transactionIds()), others * 100));
    return phase;
  }

  private static void send(HttpTarget api, HttpMethod method, int status, AtomicInteger next, int volumes,
      Promise<Void> finished) {
    int index = next.getAndIncrement();
    if (index >= volumes) {
      finished.tryComplete();
      return;
    }
    String collection = "/api/v1/namespaces/" + NAMESPACE + "/volumes";
    Future<?> sent = method == HttpMethod.POST
        ? api.send(method, collection, new JsonObject().put("name", "v" + index).put("size", "1Gi").toBuffer(), status)
        : api.send(method, collection + "/v" + index, null, status);
    sent.onSuccess(answered -> send(api, method, status, next, volumes, finished)).onFailure(finished::tryFail);
  }

  private static void report(Session session, Measured raw, String load, Phase phase) {
    StatementStats.Counters work = phase.work();
    double writesPerVolume = phase.per(work.transactionIds());
    double limit = raw.perSecond() / writesPerVolume;
    double ratio = phase.perSecond() / limit;
    Report report = session.report();
    report.add(load + ", " + WriteBench.CONCURRENCY + " clients: volumes/s", rate(phase.perSecond(), "/s"),
        String.format("raw insert+NOTIFY %s ÷ %.2f write txns per volume = %s", rate(raw.perSecond(), "/s"),
            writesPerVolume, rate(limit, "/s")),
        String.format("%.2f", ratio), "≥ " + RATIO_GOAL + " × limit", ratio >= RATIO_GOAL);
    report.add(load + ": statements / row-writing statements / write txns per volume",
        String.format("%.1f / %.1f / %.2f", phase.per(work.statements()), phase.per(work.writeStatements()),
            writesPerVolume), "", "", "(info)", null);
    session.observations().add(String.format("%s: %,d volumes in %.1f s; PostgreSQL ran %,d statements of role rune"
        + " (pg_stat_statements, BEGIN/COMMIT left out), %,d of them writing rows, and handed out %,d transaction"
        + " ids (write transactions, the server's background work of those seconds included); other processes"
        + " took %.0f%% of the CPU meanwhile.", load, phase.volumes(), phase.seconds(), work.statements(),
        work.writeStatements(), work.transactionIds(), phase.othersShare() * 100));
  }
}
