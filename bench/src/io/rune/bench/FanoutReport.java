package io.rune.bench;

import java.util.List;

/** The watch fan-out figures: the table (runed beside the bare broadcast server, same run) and its section. */
final class FanoutReport {
  private FanoutReport() {}

  static Report table(FanoutBench.Outcome outcome) {
    FanoutBench.Side runed = outcome.runed();
    FanoutBench.Side bare = outcome.bare();
    String load = String.format(", %,d watchers, %d writes/s", outcome.plan().subscribers(),
        FanoutBench.WRITES_PER_SECOND);
    Report report = new Report();
    double runedP99 = runed.latencies().percentileMillis(0.99);
    double bareP99 = bare.latencies().percentileMillis(0.99);
    report.add("Watch fan-out p99, write sent → frame arrived" + load, ms(runedP99, runed), ms(bareP99, bare),
        ratio(runedP99, bareP99), String.format("≤ %.2f × bare", FanoutBench.P99_GOAL),
        runedP99 <= FanoutBench.P99_GOAL * bareP99);
    double runedP50 = runed.latencies().percentileMillis(0.5);
    double bareP50 = bare.latencies().percentileMillis(0.5);
    report.add("Watch fan-out p50, write sent → frame arrived" + load, ms(runedP50, runed), ms(bareP50, bare),
        ratio(runedP50, bareP50), "", null);
    double runedCpu = perFrame(runed.cpu().serverMillis(), runed);
    double bareCpu = perFrame(bare.cpu().serverMillis(), bare);
    report.add("Server CPU per frame delivered" + load, String.format("%.1f µs (PostgreSQL %.1f µs)%s", runedCpu,
            perFrame(runed.cpu().postgresMillis(), runed), others(runed)), String.format("%.1f µs%s", bareCpu,
            others(bare)), ratio(runedCpu, bareCpu), "", null);
    report.add("Frames lost / doubled" + load, counts(runed), counts(bare), "—", "0 / 0",
        runed.lost() == 0 && runed.doubled() == 0 && runed.failedWrites() == 0);
    return report;
  }

  static List<String> missed(FanoutBench.Outcome outcome) {
    return table(outcome).failures().stream().map(Report.Row::measure).toList();
  }

  private static double perFrame(double millis, FanoutBench.Side side) {
    return side.delivered() == 0 ? Double.NaN : millis * 1000 / side.delivered();
  }

  private static String ms(double millis, FanoutBench.Side side) {
    return String.format("%.1f ms%s", millis, others(side));
  }

  /** The load the bench saw: the machine's busy share just before, and other processes' share during. */
  private static String others(FanoutBench.Side side) {
    return String.format(" (load %.0f%% before, others %.0f%% during)", side.busyBefore() * 100,
        side.cpu().othersShare() * 100);
  }

  private static String counts(FanoutBench.Side side) {
    return String.format("%,d / %,d of %,d%s", side.lost(), side.doubled(), side.expected(),
        side.failedWrites() > 0 ? " (" + side.failedWrites() + " writes failed)" : "");
  }

  private static String ratio(double a, double b) {
    return b > 0 && !Double.isNaN(a) ? String.format("%.2f ×", a / b) : "—";
  }

  static String details(FanoutBench.Outcome outcome) {
    StringBuilder out = new StringBuilder();
    for (FanoutBench.Side side : List.of(outcome.runed(), outcome.bare())) {
      out.append(String.format("- %s: %,d writes measured (%d failed), answered in %.1f ms at p50, %.1f ms at p99"
              + " (%.1f ms at most); %,d frames expected, %,d delivered, %,d lost"
              + " (%d watchers missed one or more), %,d doubled; frames of %,d characters; server CPU %.0f ms,"
              + " PostgreSQL %.0f ms, bench (the watchers' client) %.0f ms over the round.%n",
          side.server(), side.writes(), side.failedWrites(), side.answers().percentileMillis(0.5),
          side.answers().percentileMillis(0.99), side.answers().percentileMillis(1), side.expected(), side.delivered(), side.lost(),
          side.watchersMissing(), side.doubled(), side.frameChars(), side.cpu().serverMillis(),
          side.cpu().postgresMillis(), side.cpu().benchMillis()));
    }
    return out.toString();
  }

  static String section(FanoutBench.Outcome outcome) {
    FanoutBench.Plan plan = outcome.plan();
    StringBuilder out = new StringBuilder();
    out.append("## Watch fan-out\n\n");
    out.append(String.format("""
        Measured on a runed of its own (`bin/runed --dev-mode`, fresh data directory), server revision %s.
        %,d WebSockets from one Vert.x client in the bench JVM watch `kinds=volumes&namespace=%s` (live,
        no sinceSeq); the bench changes the labels of one of %d volumes of that namespace (a JSON merge
        `PATCH`), %d times a second in an open loop (%d s warm-up, then %d s measured), and times each frame from
        the moment it sent the write to the frame's arrival (the seq from the write's answer pairs
        them). Every watcher is checked for every measured write: a frame missing %d s after the last
        write counts as lost, a seq that comes twice as doubled. The limit, in the same run with the
        same client: `BareBroadcastServer` %s, a Vert.x server in its own JVM with runed's JVM options
        and verticle instances, that writes one String per write (`POST /broadcast`) to each of the
        same number of sockets, frames of the size runed's were. CPU per frame is the server JVM's
        user + system time (`/proc/PID/stat`) from the first measured write until the last frame
        arrived, divided by the frames delivered: runed's includes serving the writes (the PATCH, its
        transaction, the feed, the controller looking at each change), the bare server's its POSTs. The load beside each figure: the machine's busy
        share in the second before the round, and other processes' share of it during the round.

        Goal: p99 ≤ %.2f × the bare server's, with no frame lost or doubled.

        """, outcome.revision(), plan.subscribers(), FanoutBench.NAMESPACE, FanoutBench.TARGETS,
        FanoutBench.WRITES_PER_SECOND, plan.warmUp().toSeconds(), plan.window().toSeconds(),
        FanoutBench.DELIVERY_DEADLINE.toSeconds(), outcome.bareShape(), FanoutBench.P99_GOAL));
    out.append(table(outcome).markdown()).append('\n');
    out.append(details(outcome));
    return out.toString();
  }
}
