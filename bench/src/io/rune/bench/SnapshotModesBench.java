package io.rune.bench;

import static io.rune.bench.Session.step;

import io.rune.bench.SnapshotData.Shape;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of the same tree in each way the local driver can take one, beside the limit of
 * each: {@code cp -a} and {@code sync -f} of the tree on the same file system, timed in the
 * same run (issue 17). Each mode gets a runed of its own, on a root of the file system it
 * needs: this machine's disk, or a btrfs image the bench makes and loop-mounts (as root).
 */
final class SnapshotModesBench {
  static final String NAMESPACE = "bench-modes";
  private static final Duration COMMAND_DEADLINE = Duration.ofMinutes(10);
  private static final Duration PHASE_DEADLINE = Duration.ofMinutes(10);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final String VOLUME_SIZE = "4Gi";

  /**
   * One way of taking snapshots: the file system of the root ({@code btrfs} an image made here,
   * else the disk) and the runefile's {@code [storage.drivers.local] enforcement}.
   */
  record Mode(String name, boolean btrfs, String enforcement) {}

  static final List<Mode> MODES = List.of(
      new Mode("none, root on the disk", false, "none"),
      new Mode("none, root on btrfs", true, "none"),
      new Mode("btrfs", true, "btrfs"),
      new Mode("loop, images on btrfs", true, "loop"),
      new Mode("loop, images on the disk", false, "loop"));

  record Plan(int rounds, List<Shape> shapes) {
    /** One timed round after the warm-up: five modes of two 1 GiB trees take half an hour on a busy disk. */
    static final Plan FULL = new Plan(1, SnapshotBench.Plan.FULL.shapes());
    static final Plan QUICK = new Plan(1, SnapshotBench.Plan.QUICK.shapes());
  }

  /** One timed round: the limit, then the snapshot, with the machine's load meanwhile. */
  record Sample(double cpSyncSeconds, double snapshotSeconds, String method, double methodSeconds,
      double busy, String loadAverage) {}

  /** The timed rounds of one tree in one mode; {@code fileSystem} is the root's type. */
  record Result(Mode mode, String fileSystem, Shape shape, List<Sample> samples) {}

  record Outcome(Plan plan, List<Result> results, List<String> observations) {}

  private final Plan plan;
  private final PlainClient api;
  private final Path root;
  private final Path copies;

  private SnapshotModesBench(Plan plan, PlainClient api, Path root, Path copies) {
    this.plan = plan;
    this.api = api;
    this.root = root;
    this.copies = copies;
  }

  static Outcome run(boolean quick, Path work, Path runedHome) throws Exception {
    Plan plan = quick ? Plan.QUICK : Plan.FULL;
    List<Result> results = new ArrayList<>();
    List<String> observations = new ArrayList<>();
    for (Mode mode : MODES) {
      Path dir = Files.createDirectories(work.resolve("modes-" + MODES.indexOf(mode)));
      long imageBytes = 4 * plan.shapes().stream().mapToLong(Shape::bytes).sum() + (2L << 30);
      LoopImage image = mode.btrfs() ? LoopImage.btrfs(dir, imageBytes) : null;
      Path root = image != null ? image.mountPoint.resolve("volumes") : dir.resolve("runed-data/local-volumes");
      try {
        Path runefile = Files.writeString(dir.resolve("runefile.toml"), runefile(root, mode));
        step("snapshot modes: " + mode.name() + ": starting runed on " + root);
        try (RunedServer runed = RunedServer.start(runedHome, dir.resolve("runed-data"),
            work.resolve("runed-modes-" + MODES.indexOf(mode) + ".log"), runefile)) {
          Path copies = Files.createDirectories(root.resolveSibling("bench-cp"));
          SnapshotModesBench bench = new SnapshotModesBench(plan, new PlainClient(runed.port, runed.token), root,
              copies);
          String type = Files.getFileStore(copies).type();
          for (Shape shape : plan.shapes()) {
            results.add(new Result(mode, type, shape, bench.measure(shape)));
          }
        }
      } catch (IOException | RuntimeException e) {
        observations.add("Mode " + mode.name() + " could not be measured: " + e.getMessage());
        step("snapshot modes: " + mode.name() + " failed: " + e.getMessage());
      } finally {
        // Loop volumes stay mounted when runed stops: unmounted before their root goes.
        LoopImage.unmountBelow(root);
        if (image != null) {
          image.close();
        }
        Command.run(List.of("rm", "-rf", "--one-file-system", "--", dir.toString()), COMMAND_DEADLINE);
      }
    }
    return new Outcome(plan, results, observations);
  }

  private static String runefile(Path root, Mode mode) {
    return "[storage]\nlocalVolumeRoot = \"" + root + "\"\n\n[storage.drivers.local]\nenforcement = \""
        + mode.enforcement() + "\"\n";
  }

  /** A volume filled with {@code shape}, then a warm-up round and the timed rounds. */
  private List<Sample> measure(Shape shape) throws Exception {
    api.call("POST", "/api/v1/namespaces/" + NAMESPACE + "/volumes",
        new JsonObject().put("name", shape.volume()).put("size", VOLUME_SIZE).encode(), 201);
    Path dir = root.resolve(awaitPhase("volumes", shape.volume(), "Available").getString("handle"));
    step("snapshot modes:   " + shape.volume() + ": writing " + shape.title());
    SnapshotData.fill(dir, shape, shape.volume().hashCode());
    Command.run(List.of("sync"), COMMAND_DEADLINE);
    List<Sample> samples = new ArrayList<>();
    for (int round = 0; round <= plan.rounds(); round++) {
      Sample sample = round(shape, dir, round);
      step(String.format("snapshot modes:   %s round %d: cp -a + sync -f %.2f s, snapshot %.2f s (%s, driver"
          + " %.3f s), ratio %.2f; CPUs %.0f%% busy, load %s", shape.volume(), round, sample.cpSyncSeconds(),
          sample.snapshotSeconds(), sample.method(), sample.methodSeconds(),
          sample.snapshotSeconds() / sample.cpSyncSeconds(), sample.busy() * 100, sample.loadAverage()));
      if (round > 0) {
        samples.add(sample);
      }
    }
    return samples;
  }

  private Sample round(Shape shape, Path dir, int round) throws Exception {
    String load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4)[0];
    long busyBefore = MachineCpu.busyNanos();
    long start = System.nanoTime();
    Path copy = copies.resolve(shape.volume() + "-r" + round);
    Command.run(List.of("sync"), COMMAND_DEADLINE);
    long cpStart = System.nanoTime();
    Command.run(List.of("cp", "-a", "--", dir + "/.", copy.toString()), COMMAND_DEADLINE);
    Command.run(List.of("sync", "-f", copy.toString()), COMMAND_DEADLINE);
    double cpSync = (System.nanoTime() - cpStart) / 1e9;
    Command.run(List.of("rm", "-rf", "--one-file-system", "--", copy.toString()), COMMAND_DEADLINE);
    Command.run(List.of("sync"), COMMAND_DEADLINE);

    String name = shape.volume() + "-r" + round;
    long asked = System.nanoTime();
    api.call("POST", "/api/v1/namespaces/" + NAMESPACE + "/snapshots", new JsonObject().put("name", name)
        .put("source", new JsonObject().put("volume", shape.volume())).encode(), 201);
    JsonObject status = awaitPhase("snapshots", name, "Ready");
    double snapshot = (System.nanoTime() - asked) / 1e9;
    double busy = (MachineCpu.busyNanos() - busyBefore) / (double) ((System.nanoTime() - start) * MachineCpu.cpus());
    deleteSnapshot(name);
    return new Sample(cpSync, snapshot, status.getString("method", "(not said)"),
        status.getDouble("methodSeconds", Double.NaN), busy, load);
  }

  private void deleteSnapshot(String name) throws InterruptedException {
    String uri = "/api/v1/namespaces/" + NAMESPACE + "/snapshots/" + name;
    api.call("DELETE", uri, null, 200);
    long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
    while (PlainClient.await(api.send("GET", uri, null), PHASE_DEADLINE, "GET " + uri).status() != 404) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("snapshot " + name + " is still there " + PHASE_DEADLINE.toMinutes()
            + " min after its DELETE");
      }
      Thread.sleep(POLL.toMillis()); // the poll interval of a wait with a deadline
    }
  }

  private JsonObject awaitPhase(String plural, String name, String phase) throws InterruptedException {
    return api.awaitPhase("/api/v1/namespaces/" + NAMESPACE + "/" + plural + "/" + name, phase, POLL,
        PHASE_DEADLINE);
  }
}
