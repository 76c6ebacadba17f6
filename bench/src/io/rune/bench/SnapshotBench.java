package io.rune.bench;

import static io.rune.bench.Session.step;

import io.rune.bench.SnapshotData.Shape;
import io.rune.bench.SnapshotData.Tree;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshots of local volumes beside {@code cp -a} of the same tree on the same file system, in
 * the same run (issue 4: within 10 % of {@code cp -a}). Runs its own runed on a fresh data
 * directory, so that nothing else the server was asked to do (the API bench's 10,000 volumes)
 * is still being provisioned while a snapshot is timed.
 */
final class SnapshotBench {
  static final String NAMESPACE = "bench-snapshots";
  /** The goal (issue 20): a snapshot takes at most this many times as long as {@code cp -a}, then {@code sync -f}. */
  static final double GOAL = 1.10;
  /** How often the bench asks for the snapshot's phase while it waits. */
  static final Duration POLL = Duration.ofMillis(50);
  /** A GET of the bench's polls unanswered for this long is given up on and sent again. */
  private static final Duration POLL_ANSWER_DEADLINE = Duration.ofSeconds(2);
  private static final Duration PHASE_DEADLINE = Duration.ofMinutes(10);
  /** How long to wait, before each measurement, for other processes to leave the CPUs and the disk alone. */
  private static final Duration QUIET_DEADLINE = Duration.ofSeconds(60);
  private static final Duration COMMAND_DEADLINE = Duration.ofMinutes(10);
  /** Free space left over, beyond what the bench is about to write. */
  private static final long FREE_SPACE_MARGIN = 2L << 30;
  private static final double GIB = 1L << 30;
  /** Volumes are provisioned with this size; the local driver does not enforce it. */
  private static final String VOLUME_SIZE = "4Gi";

  /** How many timed rounds (after one warm-up round), of which data sets; quick for BENCH_QUICK. */
  record Plan(int rounds, List<Shape> shapes, boolean quick) {
    static final Plan FULL = new Plan(5, List.of(
        new Shape("small-files", "1 GiB in 65,536 files of 16 KiB (256 directories of 256)", 65_536, 256, 16 << 10),
        new Shape("one-file", "one file of 1 GiB", 1, 1, 1L << 30)), false);
    static final Plan QUICK = new Plan(3, List.of(
        new Shape("small-files", "64 MiB in 4,096 files of 16 KiB (16 directories of 256)", 4_096, 256, 16 << 10),
        new Shape("one-file", "one file of 64 MiB", 1, 1, 64L << 20)), true);

    /**
     * This plan with only the data sets named in {@code names} (BENCH_SNAPSHOT_SETS, comma-separated,
     * e.g. small-files: the one the goal is about, in half the time); all of them when it is blank.
     */
    Plan only(String names) {
      List<String> wanted = Arrays.stream(names.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
      List<String> known = shapes.stream().map(Shape::volume).toList();
      for (String name : wanted) {
        if (!known.contains(name)) {
          throw new IllegalArgumentException("BENCH_SNAPSHOT_SETS names " + name + ", which is not a data set of the"
              + " snapshots part; it knows " + String.join(", ", known));
        }
      }
      return wanted.isEmpty() ? this
          : new Plan(rounds, shapes.stream().filter(s -> wanted.contains(s.volume())).toList(), quick);
    }
  }

  /** What is timed. {@code CP_REFLINK} only where {@code cp -a} does not already mean it. */
  enum Method {
    CP("`cp -a`", "cp"),
    CP_REFLINK("`cp -a --reflink=auto`", "cp-reflink"),
    CP_SYNC("`cp -a`, then `sync -f`", "cp-sync"),
    SNAPSHOT("snapshot (POST → Ready)", "snapshot");

    final String label;
    final String slug;

    Method(String label, String slug) {
      this.label = label;
      this.slug = slug;
    }
  }

  /** How a snapshot's time divides, as seen from outside and by the server. */
  record SnapshotTiming(double toCreatingSeconds, double serverSeconds, double runedCpuSeconds,
      double postgresCpuSeconds, int polls, double slowestPollMillis) {}

  /**
   * One timed operation; {@code busy} is the share of the machine's CPUs in use meanwhile (by
   * anything, the copy included); {@code snapshot} is null for the copies by the bench.
   */
  record Sample(String volume, Method method, int round, double seconds, double busy, SnapshotTiming snapshot) {}

  /** A volume filled with one data set. */
  record Source(Shape shape, Path dir, Tree tree, long allocatedBytes, double fillSeconds) {}

  /** Everything the report needs. {@code samples} hold the timed rounds only. */
  record Outcome(Plan plan, Map<String, String> facts, List<Source> sources, List<Method> methods,
      Map<String, Map<Method, List<Sample>>> samples, List<Sample> warmUps, List<String> observations) {}

  private final Plan plan;
  private final RunedServer runed;
  private final PlainClient api;
  private final Path root;
  private final Path copies;
  private final DiskActivity disk;
  private final List<String> observations = new ArrayList<>();
  /** What became of GETs given up on: answered late, failed, or never (filled from event loops). */
  private final Queue<String> lateAnswers = new ConcurrentLinkedQueue<>();
  private final Set<String> unanswered = ConcurrentHashMap.newKeySet();

  private SnapshotBench(Plan plan, RunedServer runed, PlainClient api, Path root, Path copies) throws IOException {
    this.plan = plan;
    this.runed = runed;
    this.api = api;
    this.root = root;
    this.copies = copies;
    this.disk = DiskActivity.under(copies);
  }

  static Outcome run(boolean quick, Path work, Path runedHome) throws Exception {
    Plan plan = (quick ? Plan.QUICK : Plan.FULL).only(System.getProperty("bench.snapshotSets", ""));
    step("snapshots: starting bin/runed --dev-mode (the same copy) on a fresh data directory of its own");
    Path dataDir = work.resolve("snapshots-runed-data");
    RunedServer runed = RunedServer.start(runedHome, dataDir, work.resolve("runed-snapshots.log"));
    Path copies = work.resolve("snapshots-cp");
    try {
      // dev mode with --data-dir and no [storage] localVolumeRoot: <data dir>/local-volumes.
      return new SnapshotBench(plan, runed, new PlainClient(runed.port, runed.token),
          dataDir.resolve("local-volumes"), Files.createDirectories(copies)).measure();
    } finally {
      step("snapshots: stopping runed (SIGTERM) and removing the data sets and copies");
      runed.close();
      try {
        Command.run(List.of("rm", "-rf", "--one-file-system", "--", dataDir.toString(), copies.toString()),
            COMMAND_DEADLINE);
      } catch (IOException e) {
        step("snapshots: could not remove " + dataDir + " and " + copies + " (bench/run removes them at exit): "
            + e.getMessage());
      }
    }
  }

  private Outcome measure() throws Exception {
    // The data sets, and one copy at a time beside them.
    long biggest = plan.shapes().stream().mapToLong(Shape::bytes).max().orElse(0);
    requireFreeSpace(plan.shapes().stream().mapToLong(Shape::bytes).sum() + biggest, "the data sets and a copy");
    List<Source> sources = new ArrayList<>();
    for (Shape shape : plan.shapes()) {
      sources.add(prepare(shape));
    }
    Object volumesDevice = Files.getAttribute(root, "unix:dev");
    if (!volumesDevice.equals(Files.getAttribute(copies, "unix:dev"))) {
      throw new IllegalStateException("the copies directory " + copies + " is not on the file system of the"
          + " volumes (" + root + "): the comparison would not be fair");
    }
    String cpVersion = Command.run(List.of("cp", "--version"), COMMAND_DEADLINE).output().lines().findFirst()
        .orElse("cp (unknown version)");
    List<Method> methods = new ArrayList<>(List.of(Method.CP, Method.SNAPSHOT, Method.CP_SYNC));
    if (!reflinkIsDefault(cpVersion)) {
      methods.add(1, Method.CP_REFLINK);
    }
    Map<String, String> facts = SnapshotReport.facts(root, cpVersion, runed.jvmOptions());
    facts.put("Quiet before each measurement", String.format("CPUs at most %.0f%% busy and %s at most %.0f%% busy"
        + " (I/O in flight) over one second, waiting up to %d s", MachineCpu.QUIET_SHARE * 100, disk.device,
        DiskActivity.QUIET_SHARE * 100, QUIET_DEADLINE.toSeconds()));

    Map<String, Map<Method, List<Sample>>> samples = new LinkedHashMap<>();
    sources.forEach(s -> samples.put(s.shape().volume(), new EnumMap<>(Method.class)));
    List<Sample> warmUps = new ArrayList<>();
    for (int round = 0; round <= plan.rounds(); round++) {
      // Each round in another order, so that none of them always follows the same one.
      List<Method> order = new ArrayList<>(methods);
      Collections.rotate(order, -round);
      for (Source source : sources) {
        for (Method method : order) {
          Sample sample = measureOne(source, method, round);
          if (round == 0) {
            warmUps.add(sample);
          } else {
            samples.get(source.shape().volume()).computeIfAbsent(method, m -> new ArrayList<>()).add(sample);
          }
        }
      }
    }
    observations.addAll(lateAnswers);
    unanswered.forEach(what -> observations.add(what + " was still unanswered at the end of the run."));
    observations.add(String.format("The longest stall of the bench JVM so far (a thread waking every 100 ms woke"
        + " late by): %.0f ms.", StallWatch.longestMillis()));
    return new Outcome(plan, facts, sources, methods, samples, warmUps, observations);
  }

  /**
   * Fails, before writing, when the file system has less than {@code bytes} and a margin free:
   * the disk is shared, and a copy that fills it breaks other people's work as well as the run.
   */
  private void requireFreeSpace(long bytes, String what) throws IOException {
    long free = Files.getFileStore(copies).getUsableSpace();
    if (free < bytes + FREE_SPACE_MARGIN) {
      throw new IOException(String.format("not enough free space for %s: %.1f GiB free on the file system of %s,"
          + " %.1f GiB needed (%.1f GiB and a margin of %.1f GiB)", what, free / GIB, copies,
          (bytes + FREE_SPACE_MARGIN) / GIB, bytes / GIB, FREE_SPACE_MARGIN / GIB));
    }
  }

  /** GNU cp clones where it can by default since coreutils 9.0: {@code --reflink=auto} changes nothing. */
  static boolean reflinkIsDefault(String cpVersion) {
    Matcher m = Pattern.compile("coreutils\\)\\s+(\\d+)\\.").matcher(cpVersion);
    return m.find() && Integer.parseInt(m.group(1)) >= 9;
  }

  /** A volume through the API, filled directly on disk, flushed. */
  private Source prepare(Shape shape) throws Exception {
    step("snapshots: volume " + shape.volume() + ": creating it and writing " + shape.title() + " into it");
    api.call("POST", "/api/v1/namespaces/" + NAMESPACE + "/volumes",
        new JsonObject().put("name", shape.volume()).put("size", VOLUME_SIZE).encode(), 201);
    JsonObject status = awaitPhase("volumes", shape.volume(), "Available");
    Path dir = root.resolve(status.getString("handle"));
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalStateException("volume " + shape.volume() + " is Available with handle "
          + status.getString("handle") + ", but " + dir + " is no directory: is the local volume root elsewhere?");
    }
    long start = System.nanoTime();
    SnapshotData.fill(dir, shape, shape.volume().hashCode());
    Command.run(List.of("sync"), COMMAND_DEADLINE);
    double fillSeconds = (System.nanoTime() - start) / 1e9;
    Tree tree = SnapshotData.measure(dir);
    if (tree.bytes() != shape.bytes() || tree.files() != shape.files()) {
      throw new IllegalStateException(dir + " holds " + tree.describe() + " after writing " + shape.title());
    }
    long allocated = SnapshotData.allocatedBytes(dir);
    step(String.format("snapshots:   %s: %s (%,d bytes allocated), written and synced in %.1f s", shape.volume(),
        tree.describe(), allocated, fillSeconds));
    return new Source(shape, dir, tree, allocated, fillSeconds);
  }

  /** Flush, wait for a quiet machine, time one operation, check its result, remove it. */
  private Sample measureOne(Source source, Method method, int round) throws Exception {
    String what = source.shape().volume() + ", " + method.slug + (round == 0 ? ", warm-up" : ", round " + round);
    requireFreeSpace(source.shape().bytes(), "a copy of " + source.shape().volume());
    Command.run(List.of("sync"), COMMAND_DEADLINE);
    DiskActivity.Quiet quiet = disk.awaitQuiet(QUIET_DEADLINE);
    if (!quiet.reached()) {
      observations.add(String.format("Other work kept the machine busy before %s: after waiting %.0f s, the CPUs"
          + " were still %.0f%% busy and the disk %.0f%%.", what, quiet.waitedSeconds(), quiet.cpu() * 100,
          quiet.disk() * 100));
    }
    long busyBefore = MachineCpu.busyNanos();
    long start = System.nanoTime();
    Sample sample;
    Path copy;
    if (method == Method.SNAPSHOT) {
      String name = source.shape().volume() + (round == 0 ? "-warm-up" : "-r" + round);
      Snapshot taken = snapshot(source, name, start);
      sample = new Sample(source.shape().volume(), method, round, taken.seconds(), busyShare(busyBefore, start),
          taken.timing());
      copy = root.resolve(taken.handle());
      verify(source, copy, round, what);
      deleteSnapshot(name, copy);
    } else {
      copy = copies.resolve(source.shape().volume() + "-r" + round + "-" + method.slug);
      List<String> cp = method == Method.CP_REFLINK
          ? List.of("cp", "-a", "--reflink=auto", "--", source.dir() + "/.", copy.toString())
          : List.of("cp", "-a", "--", source.dir() + "/.", copy.toString());
      Command.run(cp, COMMAND_DEADLINE);
      if (method == Method.CP_SYNC) {
        Command.run(List.of("sync", "-f", copy.toString()), COMMAND_DEADLINE);
      }
      sample = new Sample(source.shape().volume(), method, round, (System.nanoTime() - start) / 1e9,
          busyShare(busyBefore, start), null);
      verify(source, copy, round, what);
      Command.run(List.of("rm", "-rf", "--one-file-system", "--", copy.toString()), COMMAND_DEADLINE);
    }
    step(String.format("snapshots:   %-32s %7.2f s%s", what, sample.seconds(), sample.snapshot() == null ? ""
        : String.format(" (Creating seen after %.2f s; server createdAt → readyAt %.2f s)",
            sample.snapshot().toCreatingSeconds(), sample.snapshot().serverSeconds())));
    return sample;
  }

  private record Snapshot(String handle, double seconds, SnapshotTiming timing) {}

  /** POST, then GET every {@link #POLL} until Ready: what a user waits. */
  private Snapshot snapshot(Source source, String name, long start) {
    CpuMeter cpu = new CpuMeter(runed.java, runed.postmaster);
    api.call("POST", "/api/v1/namespaces/" + NAMESPACE + "/snapshots", new JsonObject().put("name", name)
        .put("source", new JsonObject().put("volume", source.shape().volume())).encode(), 201);
    double toCreating = Double.NaN;
    int polls = 0;
    long slowestPoll = 0;
    long deadline = start + PHASE_DEADLINE.toNanos();
    String uri = "/api/v1/namespaces/" + NAMESPACE + "/snapshots/" + name;
    for (long tick = start + POLL.toNanos(); ; tick += POLL.toNanos()) {
      long sent = System.nanoTime();
      PlainClient.Answer answer = poll(uri);
      long now = System.nanoTime();
      polls++;
      slowestPoll = Math.max(slowestPoll, now - sent);
      if (answer != null) {
        if (answer.status() != 200) {
          throw new IllegalStateException("GET " + uri + " answered " + answer.status() + ": " + answer.body());
        }
        JsonObject object = new JsonObject(answer.body());
        JsonObject status = object.getJsonObject("status", new JsonObject());
        String phase = status.getString("phase", "");
        if (phase.equals("Creating") && Double.isNaN(toCreating)) {
          toCreating = (now - start) / 1e9;
        }
        if (phase.equals("Ready")) {
          CpuMeter.Usage used = cpu.stop();
          double server = Duration.between(Instant.parse(object.getString("createdAt")),
              Instant.parse(status.getString("readyAt"))).toNanos() / 1e9;
          return new Snapshot(status.getString("handle"), (now - start) / 1e9, new SnapshotTiming(
              Double.isNaN(toCreating) ? (now - start) / 1e9 : toCreating, server, used.serverMillis() / 1e3,
              used.postgresMillis() / 1e3, polls, slowestPoll / 1e6));
        }
        if (phase.equals("Failed")) {
          throw new IllegalStateException("snapshot " + name + " failed: " + status.encode());
        }
      }
      if (now > deadline) {
        throw new IllegalStateException("snapshot " + name + " is not Ready after " + PHASE_DEADLINE.toMinutes()
            + " min");
      }
      sleepUntil(tick);
    }
  }

  /**
   * One GET, answered within {@link #POLL_ANSWER_DEADLINE} or given up on (null, and noted):
   * the next poll asks again (an answer that comes later is noted too). While the disk is
   * saturated, runed or the client may take seconds to answer; one slow answer must not hold up
   * the moment the bench sees Ready, nor a lost one end the whole run.
   */
  private PlainClient.Answer poll(String uri) {
    long sent = System.nanoTime();
    Instant sentAt = Instant.now();
    CompletableFuture<PlainClient.Answer> answer = api.send("GET", uri, null);
    try {
      return PlainClient.await(answer, POLL_ANSWER_DEADLINE, "GET " + uri);
    } catch (IllegalStateException e) {
      if (!(e.getCause() instanceof TimeoutException)) {
        throw e;
      }
      String what = "The GET of " + uri + " sent at " + sentAt + " (given up on after "
          + POLL_ANSWER_DEADLINE.toSeconds() + " s; the next poll asked again)";
      unanswered.add(what);
      answer.whenComplete((late, failure) -> {
        unanswered.remove(what);
        lateAnswers.add(String.format("%s %s after %.1f s.", what, failure == null
            ? "was answered " + late.status() : "failed (" + failure + ")", (System.nanoTime() - sent) / 1e9));
      });
      step("snapshots:   GET " + uri + " got no answer within " + POLL_ANSWER_DEADLINE.toSeconds()
          + " s; asking again");
      return null;
    }
  }

  private void deleteSnapshot(String name, Path dir) throws InterruptedException {
    String uri = "/api/v1/namespaces/" + NAMESPACE + "/snapshots/" + name;
    api.call("DELETE", uri, null, 200);
    long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
    for (PlainClient.Answer answer = poll(uri); answer == null || answer.status() != 404; answer = poll(uri)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("snapshot " + name + " is still there " + PHASE_DEADLINE.toMinutes()
            + " min after its DELETE");
      }
      Thread.sleep(POLL.toMillis()); // the poll interval of a wait with a deadline
    }
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalStateException("snapshot " + name + " is gone from the API but " + dir + " is still there");
    }
  }

  /** The warm-up round checks that each way of copying copied the whole tree. */
  private static void verify(Source source, Path copy, int round, String what) throws IOException {
    if (round == 0) {
      Tree tree = SnapshotData.measure(copy);
      if (!tree.equals(source.tree())) {
        throw new IllegalStateException(what + ": the copy " + copy + " holds " + tree.describe()
            + ", the source " + source.tree().describe());
      }
    }
  }

  private JsonObject awaitPhase(String plural, String name, String phase) throws InterruptedException {
    return api.awaitPhase("/api/v1/namespaces/" + NAMESPACE + "/" + plural + "/" + name, phase, POLL,
        PHASE_DEADLINE);
  }


  private static double busyShare(long busyBefore, long start) {
    long wall = System.nanoTime() - start;
    return (MachineCpu.busyNanos() - busyBefore) / (double) (wall * MachineCpu.cpus());
  }

  private static void sleepUntil(long nanoTime) {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the poll interval, on a fixed rate
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a snapshot", e);
      }
    }
  }
}
