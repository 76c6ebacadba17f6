package io.rune.bench;

import static io.rune.bench.Session.mib;
import static io.rune.bench.Session.step;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark of Rune Storage: starts runed on a fresh data directory and measures it beside
 * limits taken in the same run (a bare Vert.x server, the database's raw commit rate), then
 * prints the table and writes docs/BENCHMARKS.md. Arguments: the project root, a scratch
 * directory, and the directory holding the copies of bin/runed and target/rune.jar to run.
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

  public static void main(String[] args) {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path work = Path.of(args[1]).toAbsolutePath();
    Path runedHome = Path.of(args[2]).toAbsolutePath();
    Plan plan = Boolean.getBoolean("bench.quick") ? Plan.QUICK : Plan.FULL;
    StallWatch.start();
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      Report report = new Report();
      List<String> observations = new ArrayList<>();
      Map<String, String> facts = run(vertx, plan, work, runedHome, report, observations);
      observations.add(String.format("The longest stall of the whole bench JVM (a thread waking every 100 ms"
          + " woke late by): %.0f ms.", StallWatch.longestMillis()));
      System.out.println();
      System.out.print(report.text());
      Path doc = root.resolve("docs/BENCHMARKS.md");
      BenchmarksDoc.write(doc, root.resolve("bench/NOTES.md"), plan, facts, report, observations);
      System.out.println("\nWritten to " + doc);
      status = report.failures().isEmpty() ? 0 : 1;
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

  private static Map<String, String> run(Vertx vertx, Plan plan, Path work, Path runedHome, Report report,
      List<String> observations) throws Exception {
    step("starting bin/runed --dev-mode (a copy, beside a copy of the jar) on a fresh data directory");
    try (RunedServer runed = RunedServer.start(runedHome, work.resolve("runed-data"), work.resolve("runed.log"))) {
      Map<String, String> facts = Machine.facts(vertx, runed.javaCommand(), runed.jvmOptions(), runed.pgPort);
      try (HttpTarget api = new HttpTarget(vertx, runed.port, runed.token, GetBench.CONNECTIONS)) {
        Session session = new Session(vertx, plan, work, runed, api, report, observations);
        CatalogBench.run(session);
        GetBench.run(session);
        WriteBench.run(session);
        step("waiting for runed's RSS to settle after all runs");
        report.add("RSS at the end, after all runs (no forced GC)", mib(ResidentMemory.settled(runed.java)), "—",
            "", "(info)", null);
      }
      step("stopping runed (SIGTERM)");
      return facts;
    }
  }
}
