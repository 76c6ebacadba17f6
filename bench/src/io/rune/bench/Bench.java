package io.rune.bench;

import static io.rune.bench.Session.mib;
import static io.rune.bench.Session.step;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark of Rune Storage: starts runed on a fresh data directory and measures it beside
 * limits taken in the same run (a bare Vert.x server, the database's raw commit rate), then
 * the idle figure on another fresh runed ({@link IdleBench}), then snapshots beside {@code cp -a}
 * on a third ({@link SnapshotBench}), then a snapshot in each way the local driver makes one beside {@code cp -a}
 * ({@link SnapshotModesBench}), then local volumes per second on one, two and three clustered nodes
 * ({@link ScaleOutBench}), prints the tables and writes docs/BENCHMARKS.md. Arguments: the project root, a scratch directory, and
 * the directory holding the copies of bin/runed and rune-server/target/rune.jar to run. The system
 * property {@code bench.only} ({@code BENCH_ONLY}) limits the run to some of the API part, the
 * idle figure and the snapshots; a run without the API part rewrites only its own sections of
 * the document.
 */
public final class Bench {
  /** How long to wait, before each measurement, for other processes to leave the machine alone. */
  static final Duration QUIET_DEADLINE = Duration.ofSeconds(30);

  /**
   * The windows: GETs warm both servers (and the load generator) up first, then measure runed and
   * the bare server in turn, {@code getRounds} times. {@code -Dbench.quick=true} shortens it all.
   */
  record Plan(Duration getWarmUp, int getRounds, Duration roundWarmUp, Duration getMeasure,
      Duration singleMeasure, Duration writeWarmUp, Duration writeMeasure) {
    static final Plan FULL = new Plan(Duration.ofSeconds(5), 2, Duration.ofSeconds(2), Duration.ofSeconds(15),
        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10));
    static final Plan QUICK = new Plan(Duration.ofSeconds(1), 1, Duration.ofSeconds(1), Duration.ofSeconds(3),
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  private Bench() {}

  /** The parts of the bench, as {@code BENCH_ONLY} names them (bench/run passes it as bench.only). */
  static final String API = "api";
  static final String IDLE = "idle";
  static final String SNAPSHOTS = "snapshots";
  static final String SCALEOUT = "scaleout";
  static final String SNAPSHOT_MODES = "snapmodes";
  static final String FANOUT = "fanout";
  static final List<String> PARTS = List.of(API, IDLE, SNAPSHOTS, SNAPSHOT_MODES, SCALEOUT, FANOUT);

  public static void main(String[] args) {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path work = Path.of(args[1]).toAbsolutePath();
    Path runedHome = Path.of(args[2]).toAbsolutePath();
    boolean quick = Boolean.getBoolean("bench.quick");
    Plan plan = quick ? Plan.QUICK : Plan.FULL;
    StallWatch.start();
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      Set<String> parts = parts(System.getProperty("bench.only", ""));
      List<String> missed = new ArrayList<>();
      Report report = null;
      Map<String, String> facts = null;
      List<String> observations = new ArrayList<>();
      if (parts.contains(API)) {
        report = new Report();
        facts = run(vertx, plan, work, runedHome, report, observations);
        observations.add(String.format("The longest stall of the whole bench JVM (a thread waking every 100 ms"
            + " woke late by): %.0f ms.", StallWatch.longestMillis()));
        System.out.println();
        System.out.print(report.text());
        report.failures().forEach(row -> missed.add(row.measure()));
      }
      Map<BenchmarksDoc.Section, String> sections = new EnumMap<>(BenchmarksDoc.Section.class);
      boolean partFailed = false;
      if (parts.contains(IDLE)) {
        try {
          IdleBench.Outcome outcome = IdleBench.run(vertx, quick, work, runedHome);
          sections.put(BenchmarksDoc.Section.IDLE, IdleReport.section(outcome));
          System.out.println();
          System.out.print(IdleReport.table(outcome).text());
          System.out.println(IdleReport.details(outcome));
          missed.addAll(IdleReport.missed(outcome));
        } catch (Exception e) {
          if (report == null && !parts.contains(SNAPSHOTS) && !parts.contains(SCALEOUT)) {
            throw e;
          }
          // What was measured is written all the same; the document keeps its earlier Idle section.
          System.err.println("bench: the idle bench failed: " + e.getMessage());
          e.printStackTrace();
          partFailed = true;
        }
      }
      if (parts.contains(SNAPSHOTS)) {
        try {
          SnapshotBench.Outcome outcome = SnapshotBench.run(quick, work, runedHome);
          sections.put(BenchmarksDoc.Section.SNAPSHOTS, SnapshotReport.section(outcome));
          System.out.println();
          System.out.print(SnapshotReport.tables(outcome));
          missed.addAll(SnapshotReport.missed(outcome));
        } catch (Exception e) {
          if (report == null && sections.isEmpty() && !parts.contains(SCALEOUT)) {
            throw e;
          }
          // The API results are written all the same; the document keeps its earlier Snapshots section.
          System.err.println("bench: the snapshot bench failed: " + e.getMessage());
          e.printStackTrace();
          partFailed = true;
        }
      }
      if (parts.contains(SNAPSHOT_MODES)) {
        try {
          SnapshotModesBench.Outcome outcome = SnapshotModesBench.run(quick, work, runedHome);
          sections.put(BenchmarksDoc.Section.SNAPSHOT_MODES, SnapshotModesReport.section(outcome));
          System.out.println();
          System.out.print(SnapshotModesReport.table(outcome));
        } catch (Exception e) {
          if (report == null && sections.isEmpty() && !parts.contains(SCALEOUT)) {
            throw e;
          }
          // What was measured is written all the same; the document keeps its earlier section.
          System.err.println("bench: the snapshot-by-mode bench failed: " + e.getMessage());
          e.printStackTrace();
          partFailed = true;
        }
      }
      if (parts.contains(SCALEOUT)) {
        try {
          ScaleOutBench.Outcome outcome = ScaleOutBench.run(vertx, quick, work, runedHome);
          sections.put(BenchmarksDoc.Section.SCALEOUT, ScaleOutReport.section(outcome));
          System.out.println();
          System.out.print(ScaleOutReport.table(outcome).text());
          System.out.print(ScaleOutReport.details(outcome));
          missed.addAll(ScaleOutReport.missed(outcome));
        } catch (Exception e) {
          if (report == null && sections.isEmpty()) {
            throw e;
          }
          // What was measured is written all the same; the document keeps its earlier Scale-out section.
          System.err.println("bench: the scale-out bench failed: " + e.getMessage());
          e.printStackTrace();
          partFailed = true;
        }
      }
      if (parts.contains(FANOUT)) {
        try {
          FanoutBench.Outcome outcome = FanoutBench.run(vertx, quick, work, runedHome);
          sections.put(BenchmarksDoc.Section.FANOUT, FanoutReport.section(outcome));
          System.out.println();
          System.out.print(FanoutReport.table(outcome).text());
          System.out.print(FanoutReport.details(outcome));
          missed.addAll(FanoutReport.missed(outcome));
        } catch (Exception e) {
          if (report == null && sections.isEmpty()) {
            throw e;
          }
          // What was measured is written all the same; the document keeps its earlier Watch fan-out section.
          System.err.println("bench: the fan-out bench failed: " + e.getMessage());
          e.printStackTrace();
          partFailed = true;
        }
      }
      Path doc = root.resolve("docs/BENCHMARKS.md");
      if (report != null) {
        BenchmarksDoc.write(doc, root.resolve("bench/NOTES.md"), plan, facts, report, observations, sections);
      } else {
        BenchmarksDoc.writeSections(doc, root.resolve("bench/NOTES.md"), sections);
      }
      System.out.println("\nWritten to " + doc + (report == null ? " (only its sections " + sections.keySet() + ")" : ""));
      if (!missed.isEmpty()) {
        System.out.println("Goals missed: " + String.join("; ", missed));
      }
      status = partFailed ? 2 : missed.isEmpty() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("bench: failed: " + e.getMessage());
      System.err.printf("bench: the longest stall of the bench JVM itself (machine or VM paused): %.0f ms%n",
          StallWatch.longestMillis());
      e.printStackTrace();
      status = 2;
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(30), "closing the bench's Vert.x");
    }
    System.exit(status);
  }

  /** {@code only} is empty (everything) or a comma-separated list of {@link #PARTS}. */
  static Set<String> parts(String only) {
    if (only.isBlank()) {
      return new LinkedHashSet<>(PARTS);
    }
    Set<String> parts = new LinkedHashSet<>();
    for (String part : only.split(",")) {
      String name = part.trim();
      if (!PARTS.contains(name)) {
        throw new IllegalArgumentException("BENCH_ONLY names " + String.join(", ", PARTS) + ", not '" + name + "'");
      }
      parts.add(name);
    }
    return parts;
  }

  private static Map<String, String> run(Vertx vertx, Plan plan, Path work, Path runedHome, Report report,
      List<String> observations) throws Exception {
    step("starting bin/runed --dev-mode (a copy, beside a copy of the jar) on a fresh data directory");
    try (RunedServer runed = StatementStats.startRuned(vertx, runedHome, work.resolve("runed-data"),
        work.resolve("runed.log"))) {
      Map<String, String> facts = Machine.facts(vertx, runed.javaCommand(), runed.jvmOptions(), runed.pgPort, runed.pgPassword);
      try (HttpTarget api = new HttpTarget(vertx, runed.port, runed.token, GetBench.CONNECTIONS)) {
        Session session = new Session(vertx, plan, work, runed, api, report, observations);
        CatalogBench.run(session);
        GetBench.run(session);
        LifecycleBench.run(session, WriteBench.run(session));
        step("waiting for runed's RSS to settle after all runs");
        report.add("RSS at the end, after all runs (no forced GC)", mib(ResidentMemory.settled(runed.java)), "—",
            "", "(info)", null);
      }
      step("stopping runed (SIGTERM)");
      return facts;
    }
  }
}
