package io.rune.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The idle figure: the table (many volumes beside few, same run) and its section of docs/BENCHMARKS.md. */
final class IdleReport {
  /** Below this share of one core, a difference of CPU between the windows is noise, not work. */
  static final double CPU_NOISE_SHARE = 0.01;

  private IdleReport() {}

  static Report table(IdleBench.Outcome outcome) {
    IdleBench.Window few = outcome.few();
    IdleBench.Window many = outcome.many();
    double seconds = many.length().toMillis() / 1000.0;
    Report report = new Report();
    String over = String.format(" over %.0f s idle, %,d volumes", seconds, many.volumes());
    double cpuNoise = CPU_NOISE_SHARE * seconds * 1000;
    cpu(report, "runed JVM CPU" + over, few, many, w -> w.cpu().serverMillis(), cpuNoise);
    cpu(report, "PostgreSQL CPU" + over, few, many, w -> w.cpu().postgresMillis(), cpuNoise);
    if (many.statements() >= 0 && few.statements() >= 0) {
      count(report, "Statements or transactions runed sent (its SQL pool leases)" + over, few, many, w -> w.statements(), seconds);
    }
    count(report, "Database transactions" + over, few, many, w -> w.db().transactions(), seconds);
    count(report, "Rows read from runed's tables" + over, few, many, w -> w.db().rowsRead(), seconds);
    count(report, "Rows written to runed's tables" + over, few, many, w -> w.db().rowsWritten(), seconds);
    return report;
  }

  /** The rows that missed the goal, named for the summary line. */
  static List<String> missed(IdleBench.Outcome outcome) {
    return table(outcome).failures().stream().map(Report.Row::measure).toList();
  }

  private static void cpu(Report report, String measure, IdleBench.Window few, IdleBench.Window many,
      ToDoubleFunction<IdleBench.Window> millis, double noise) {
    double a = millis.applyAsDouble(many);
    double b = millis.applyAsDouble(few);
    report.add(measure, cpuText(a, many), cpuText(b, few) + " (" + few.volumes() + " volumes)", ratio(a, b),
        goal() + " (or < " + (int) (CPU_NOISE_SHARE * 100) + "% of a core apart)", a <= IdleBench.GOAL * b || a - b < noise);
  }

  private static void count(Report report, String measure, IdleBench.Window few, IdleBench.Window many,
      ToDoubleFunction<IdleBench.Window> value, double seconds) {
    double a = value.applyAsDouble(many);
    double b = value.applyAsDouble(few);
    report.add(measure, String.format("%,.0f", a), String.format("%,.0f (%d volumes)", b, few.volumes()), ratio(a, b),
        goal() + " (or < 1/s apart)", a <= IdleBench.GOAL * b || a - b < seconds);
  }

  private static String goal() {
    return String.format("≤ %.0f × few", IdleBench.GOAL);
  }

  private static String cpuText(double millis, IdleBench.Window window) {
    return String.format("%,.0f ms (%.1f%%)", millis, millis / window.length().toMillis() * 100);
  }

  private static String ratio(double many, double few) {
    if (few == 0) {
      return many == 0 ? "—" : "∞";
    }
    return String.format("%.2f ×", many / few);
  }

  /** How long loading and settling took, how busy the machine was, and where the rows read come from. */
  static String details(IdleBench.Outcome outcome) {
    List<String> details = new ArrayList<>();
    for (IdleBench.Window w : List.of(outcome.few(), outcome.many())) {
      details.add(String.format("%,d volumes: loading took %.1f s, until all were Available and nothing was written"
          + " for %d s, %.1f s more; during the window other processes took %.0f%% of the machine.",
          w.volumes(), w.loadSeconds(), IdleBench.STILL.toSeconds(), w.settleSeconds(), w.cpu().othersShare() * 100)
          + " Rows read by table: " + (w.db().readByTable().isEmpty() ? "none" : w.db().readByTable()) + ".");
    }
    StringBuilder out = new StringBuilder();
    details.forEach(line -> out.append("- ").append(line).append('\n'));
    return out.toString();
  }

  static String section(IdleBench.Outcome outcome) {
    IdleBench.Window few = outcome.few();
    IdleBench.Window many = outcome.many();
    StringBuilder out = new StringBuilder();
    out.append("## Idle\n\n");
    out.append(String.format("""
        Measured on a runed of its own (`bin/runed --dev-mode`, fresh data directory), server revision %s.
        Volumes are created through `/apply` (%d requests of %d volumes in flight at a time, one sent again
        if it is answered 503; the default class `local` provisions them), first %,d, then %,d more up to %,d. After each load the bench
        waits until every volume is Available and the change log has not moved for %d s (it asks
        PostgreSQL directly, not the server), then for a quiet machine, and then measures %d s during
        which nobody sends a request. CPU is the processes' user + system time (`/proc/PID/stat`): the
        server's JVM, and PostgreSQL's postmaster with all its processes (a backend that exits during
        the window takes its time with it). The database's work: transactions of database `rune`
        (committed + rolled back, `pg_stat_database`; the bench's own two readings on it count),
        and rows read (by sequential scans + fetched through indexes) from and written to runed's
        tables (`pg_stat_user_tables`: the catalogs, VACUUM and ANALYZE are not counted there). `pg_stat_statements` is not preloaded by the embedded
        PostgreSQL, so runed's own count stands in for it: the connections its SQL pools lent
        (`vertx_pool_completed_total{pool_type="sql"}` on `/metrics`), one for each statement sent
        outside a transaction and one for each transaction. A backend reports its counts when it goes idle, at most once a second, so either
        end of the window may miss a few seconds.

        Goal: nothing that grows with the number of volumes while idle, i.e. the window with %,d
        volumes costs at most %.0f × the window with %,d (CPU within 1%% of a core, counts within one a
        second, count as equal: the noise of a quiet server).

        """, outcome.revision(), IdleBench.IN_FLIGHT, IdleBench.BATCH, few.volumes(), many.volumes() - few.volumes(),
        many.volumes(), IdleBench.STILL.toSeconds(), many.length().toSeconds(), many.volumes(), IdleBench.GOAL, few.volumes()));
    out.append(table(outcome).markdown()).append('\n');
    out.append(details(outcome));
    return out.toString();
  }
}
