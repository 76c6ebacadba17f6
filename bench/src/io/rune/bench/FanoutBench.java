package io.rune.bench;

import static io.rune.bench.Session.step;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watch fan-out (issue 20): many WebSocket watchers of one namespace on runed while writes come at a
 * steady rate, each frame timed from the moment the bench sent its write to its arrival, every
 * watcher checked for frames lost or doubled; beside it the same number of sockets on a bare Vert.x
 * server ({@link BareBroadcastServer}) broadcasting frames of the same size at the same rate. Runs its
 * own runed on a fresh data directory.
 */
final class FanoutBench {
  static final String NAMESPACE = "bench-fanout";
  static final int WRITES_PER_SECOND = 10;
  static final double P99_GOAL = 1.25;
  /** The writes go round these volumes, so a write never waits for the previous one to the same object. */
  static final int TARGETS = 10;
  private static final Duration READY_DEADLINE = Duration.ofMinutes(2);
  /** How long after the last write every watcher must have its frame; later counts as lost. */
  static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(30);

  record Plan(int subscribers, Duration warmUp, Duration window) {
    static final Plan FULL = new Plan(1000, Duration.ofSeconds(5), Duration.ofSeconds(20));
    static final Plan QUICK = new Plan(1000, Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /**
   * One server's round: latencies of every frame of a measured write, of each write's answer
   * (the part of a frame's latency before the server had the write), frames expected
   * (writes × watchers), delivered, lost and doubled, the CPU from the first measured write until
   * the last frame arrived, the machine's busy share just before, and the frames' size.
   */
  record Side(String server, Latencies latencies, Latencies answers, int writes, int failedWrites, long expected, long lost,
      long doubled, int watchersMissing, CpuMeter.Usage cpu, double busyBefore, int frameChars) {
    long delivered() {
      return expected - lost;
    }
  }

  record Outcome(Plan plan, String revision, String bareShape, Side runed, Side bare) {}

  /** Sends write number {@code i}; answers the seq its frame carries. */
  private interface Writer {
    Future<Long> write(int i);
  }

  private FanoutBench() {}

  static Outcome run(Vertx vertx, boolean quick, Path work, Path runedHome) throws Exception {
    Plan plan = quick ? Plan.QUICK : Plan.FULL;
    step("fanout: starting bin/runed --dev-mode on a fresh data directory");
    try (RunedServer runed = RunedServer.start(runedHome, work.resolve("fanout-data"), work.resolve("fanout-runed.log"));
        HttpTarget api = new HttpTarget(vertx, runed.port, runed.token, TARGETS)) {
      HttpClient patches = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(TARGETS));
      createTargets(api);
      Side runedSide;
      step(String.format("fanout: %,d watchers of namespace %s on runed", plan.subscribers(), NAMESPACE));
      try (FanoutSubscribers watchers = FanoutSubscribers.connect(vertx, runed.port,
          "/api/v1/watch?kinds=volumes&namespace=" + NAMESPACE, runed.token, plan.subscribers())) {
        watchers.awaitGreeted(READY_DEADLINE);
        runedSide = measure(vertx, plan, "runed", watchers, i -> labelPatch(patches, runed, i), runed.java,
            runed.postmaster);
      }
      try (BareBroadcastProcess bare = BareBroadcastProcess.start(runed.javaCommand(), runed.jvmOptions(),
              work.resolve("bare-broadcast.log"));
          HttpTarget bareApi = new HttpTarget(vertx, bare.port, runed.token, TARGETS)) {
        step(String.format("fanout: %,d watchers on the bare broadcast server %s, frames of %,d characters",
            plan.subscribers(), bare.shape, runedSide.frameChars()));
        Side bareSide;
        try (FanoutSubscribers watchers = FanoutSubscribers.connect(vertx, bare.port, "/watch", null,
            plan.subscribers())) {
          watchers.awaitGreeted(READY_DEADLINE);
          bareSide = measure(vertx, plan, "bare", watchers, i -> bareApi.send(HttpMethod.POST,
              "/broadcast?seq=" + (i + 1) + "&size=" + runedSide.frameChars(), null, 200)
              .map(body -> Long.parseLong(body.toString())), bare.handle(), runed.postmaster);
        }
        step("fanout: stopping the bare server and runed (SIGTERM)");
        return new Outcome(plan, System.getProperty("bench.revision", "unknown"), bare.shape, runedSide, bareSide);
      }
    }
  }

  private static Side measure(Vertx vertx, Plan plan, String server, FanoutSubscribers watchers, Writer writer,
      ProcessHandle serverProcess, ProcessHandle postmaster) throws InterruptedException {
    step(String.format("fanout: %s warm-up, %d writes/s for %d s", server, WRITES_PER_SECOND, plan.warmUp().toSeconds()));
    Map<Long, Long> warmUp = new ConcurrentHashMap<>();
    int[] next = {0};
    writeSteadily(vertx, writer, next, plan.warmUp(), warmUp, new Latencies(), new AtomicInteger());
    double busy = MachineCpu.awaitQuiet(Bench.QUIET_DEADLINE);
    step(String.format("fanout: %s measured, %d writes/s for %d s (machine %.0f%% busy before)", server,
        WRITES_PER_SECOND, plan.window().toSeconds(), busy * 100));
    Map<Long, Long> sentBySeq = new ConcurrentHashMap<>();
    AtomicInteger failed = new AtomicInteger();
    Latencies answers = new Latencies();
    CpuMeter meter = new CpuMeter(serverProcess, postmaster);
    writeSteadily(vertx, writer, next, plan.window(), sentBySeq, answers, failed);
    long last = sentBySeq.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
    watchers.awaitSeen(last, DELIVERY_DEADLINE);
    CpuMeter.Usage cpu = meter.stop();
    Latencies latencies = new Latencies();
    long lost = 0;
    long doubled = 0;
    int missing = 0;
    int frameChars = 0;
    for (FanoutSubscribers.Subscriber watcher : watchers.subscribers) {
      long lostHere = 0;
      for (Map.Entry<Long, Long> write : sentBySeq.entrySet()) {
        Long arrived = watcher.arrivals.get(write.getKey());
        if (arrived == null) {
          lostHere++;
        } else {
          latencies.add(arrived - write.getValue());
        }
      }
      lost += lostHere;
      missing += lostHere > 0 ? 1 : 0;
      doubled += watcher.doubled.get();
      frameChars = Math.max(frameChars, watcher.textLength.get());
    }
    int writes = sentBySeq.size() + failed.get();
    return new Side(server, latencies, answers, writes, failed.get(), (long) sentBySeq.size() * watchers.subscribers.size(),
        lost, doubled, missing, cpu, busy, frameChars);
  }

  /**
   * Open loop: a write every 1/rate seconds for {@code length}, whether or not the previous ones
   * have been answered; returns once all have been answered. The send time of each answered write
   * is kept by the seq it got, the time to its answer in {@code answers} (on the event loop only).
   */
  private static void writeSteadily(Vertx vertx, Writer writer, int[] next, Duration length, Map<Long, Long> sentBySeq,
      Latencies answers, AtomicInteger failed) {
    int count = (int) (length.toMillis() * WRITES_PER_SECOND / 1000);
    List<Future<Long>> written = new ArrayList<>();
    Promise<Void> allSent = Promise.promise();
    vertx.setPeriodic(1000 / WRITES_PER_SECOND, timer -> {
      long sent = System.nanoTime();
      int i = next[0]++;
      written.add(writer.write(i).onSuccess(seq -> {
        sentBySeq.put(seq, sent);
        answers.add(System.nanoTime() - sent);
      }).onFailure(err -> {
        failed.incrementAndGet();
        step("fanout: write " + i + " failed: " + err.getMessage());
      }));
      if (written.size() == count) {
        vertx.cancelTimer(timer);
        allSent.complete();
      }
    });
    Await.result(allSent.future().compose(v -> Future.join(written)).otherwiseEmpty(),
        length.plus(DELIVERY_DEADLINE), "the writes");
  }

  /**
   * Write {@code i}: a merge patch of the labels of volume {@code i % TARGETS}, which needs no
   * resourceVersion (a PUT would, and would race the controller's status writes); answers its seq.
   */
  private static Future<Long> labelPatch(HttpClient patches, RunedServer runed, int i) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.PATCH).setHost("127.0.0.1")
        .setPort(runed.port).setURI(volume(i % TARGETS)).setTimeout(DELIVERY_DEADLINE.toMillis())
        .putHeader("Authorization", "Bearer " + runed.token)
        .putHeader("Content-Type", "application/merge-patch+json");
    Buffer patch = new JsonObject().put("labels", new JsonObject().put("bench-write", "w" + i)).toBuffer();
    return patches.request(options)
        .compose(request -> request.send(patch))
        .compose(response -> response.body().map(body -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("PATCH " + options.getURI() + " answered " + response.statusCode()
                + ": " + body);
          }
          return Long.parseLong(body.toJsonObject().getString("resourceVersion"));
        }));
  }

  private static void createTargets(HttpTarget api) throws InterruptedException {
    step("fanout: creating " + TARGETS + " volumes in " + NAMESPACE + " and waiting until they are Available");
    List<Future<?>> created = new ArrayList<>();
    for (int t = 0; t < TARGETS; t++) {
      created.add(api.send(HttpMethod.POST, "/api/v1/namespaces/" + NAMESPACE + "/volumes",
          target(t).toBuffer(), 201));
    }
    Await.result(Future.all(created), READY_DEADLINE, "creating the volumes");
    long end = System.nanoTime() + READY_DEADLINE.toNanos();
    for (int t = 0; t < TARGETS; t++) {
      while (!"Available".equals(Await.result(api.send(HttpMethod.GET, volume(t), null, 200), READY_DEADLINE,
          "reading " + volume(t)).toJsonObject().getJsonObject("status", new JsonObject()).getString("phase"))) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException(volume(t) + " is not Available after " + READY_DEADLINE.toSeconds() + " s");
        }
        Thread.sleep(200); // poll interval of a condition with a deadline
      }
    }
  }

  private static String volume(int t) {
    return "/api/v1/namespaces/" + NAMESPACE + "/volumes/t" + t;
  }

  private static JsonObject target(int t) {
    return new JsonObject().put("name", "t" + t).put("size", "1Gi");
  }
}
