package io.rune.bench;

import io.rune.bench.SnapshotModesBench.Outcome;
import io.rune.bench.SnapshotModesBench.Result;
import io.rune.bench.SnapshotModesBench.Sample;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The snapshot-by-mode figures: a table per run, each snapshot beside its {@code cp -a} limit. */
final class SnapshotModesReport {
  private SnapshotModesReport() {}

  /** The Markdown of the section, its title included. */
  static String section(Outcome outcome) {
    StringBuilder out = new StringBuilder("## Snapshots by mode\n\n");
    out.append(String.format("""
        How long a snapshot of a local volume takes in each way the local driver makes one, beside the
        limit of a plain copy of the same tree on the same file system, timed in the same round:
        `cp -a` of the tree, then `sync -f` of the copy (what a complete copy on disk costs). Each mode
        has a runed of its own (`bin/runed --dev-mode`, a runefile naming the root and the mode); a btrfs
        root is an image the bench makes and loop-mounts. For each tree: a volume of %s filled on disk,
        one warm-up round, then %d timed rounds, each the limit and then a snapshot (POST, then GET every
        %d ms until Ready), the snapshot deleted again. Figures are medians of the timed rounds; a ratio
        is the snapshot's time over the limit's (below 1: faster than copying). The driver's time is
        `status.methodSeconds`, the controller's measure of the driver call alone. GNU cp clones by
        default since coreutils 9.0: on a btrfs root the limit `cp -a` is itself a clone of every file,
        the cheapest copy a tree can have; on ext4 it copies every byte. `BENCH_ONLY=snapmodes
        bench/run` rewrites this section.

        Run of %s, revision %s, on %d CPUs (shared: the load beside each row is the 1-minute load average
        when the round began, and CPUs busy is the share of all CPUs in use during the round, the copy's
        own work included).

        """, "4Gi", outcome.plan().rounds(), 50,
        ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME),
        System.getProperty("bench.revision", "unknown"), MachineCpu.cpus()));
    out.append("| Tree | Mode | File system | Method | `cp -a` + `sync -f` | Snapshot POST → Ready | Ratio"
        + " | Driver's time | Ratio | Load, CPUs busy |\n");
    out.append("|---|---|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Result result : outcome.results()) {
      double cp = median(result.samples(), Sample::cpSyncSeconds);
      double snapshot = median(result.samples(), Sample::snapshotSeconds);
      double driver = median(result.samples(), Sample::methodSeconds);
      out.append(String.format("| %s | %s | %s | %s | %.2f s | %.2f s | %.3f | %.3f s | %.3f | %s |%n",
          result.shape().title(), result.mode().name(), result.fileSystem(), methods(result), cp, snapshot,
          snapshot / cp, driver, driver / cp, loads(result)));
    }
    if (!outcome.observations().isEmpty()) {
      out.append('\n');
      outcome.observations().forEach(line -> out.append("- ").append(line).append('\n'));
    }
    return out.toString();
  }

  /** The same, for the terminal. */
  static String table(Outcome outcome) {
    StringBuilder out = new StringBuilder("Snapshots by mode (medians; ratio = snapshot / (cp -a + sync -f))\n");
    for (Result result : outcome.results()) {
      double cp = median(result.samples(), Sample::cpSyncSeconds);
      double snapshot = median(result.samples(), Sample::snapshotSeconds);
      double driver = median(result.samples(), Sample::methodSeconds);
      out.append(String.format("  %-28s %-26s %-6s %-9s cp+sync %7.2f s  snapshot %7.2f s (%.3f)  driver %7.3f s"
          + " (%.3f)%n", result.shape().volume(), result.mode().name(), result.fileSystem(), methods(result), cp,
          snapshot, snapshot / cp, driver, driver / cp));
    }
    outcome.observations().forEach(line -> out.append("  ").append(line).append('\n'));
    return out.toString();
  }

  private static String methods(Result result) {
    return String.join(", ", result.samples().stream().map(Sample::method).distinct().toList());
  }

  private static String loads(Result result) {
    return String.join("; ", result.samples().stream()
        .map(s -> String.format("%s, %.0f%%", s.loadAverage(), s.busy() * 100)).toList());
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> value) {
    double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
