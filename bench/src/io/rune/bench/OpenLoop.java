package io.rune.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An open loop: operations start on a fixed schedule, {@code perSecond} of them, whether earlier
 * ones have answered or not, and each latency runs from the operation's scheduled start, not from
 * when it was really sent, so a server (or a client) that falls behind is charged for the wait of
 * everything queued behind it (no coordinated omission). Operations scheduled in the warm-up are
 * discarded. {@link #SENDERS} event-loop contexts share the schedule (operation i on sender i mod
 * {@link #SENDERS}), each sending whatever has come due every millisecond.
 */
final class OpenLoop {
  static final int SENDERS = 4;
  /** The answers still missing this long after the last scheduled start are counted unanswered. */
  private static final Duration DRAIN = Duration.ofSeconds(40);

  private final ClosedLoop.Operation operation;
  private final long start;
  private final long from;
  private final long to;
  private final double intervalNanos;
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();

  private OpenLoop(ClosedLoop.Operation operation, double perSecond, Duration warmUp, Duration measure) {
    this.operation = operation;
    this.intervalNanos = 1e9 / perSecond;
    this.start = System.nanoTime();
    this.from = start + warmUp.toNanos();
    this.to = from + measure.toNanos();
  }

  /** What the run measured, and how many operations never answered (neither succeeded nor failed). */
  record Outcome(LoadResult load, long unanswered) {}

  static Outcome run(Vertx vertx, String target, double perSecond, Duration warmUp, Duration measure,
      ClosedLoop.Operation operation) throws InterruptedException {
    OpenLoop loop = new OpenLoop(operation, perSecond, warmUp, measure);
    List<Sender> senders = new ArrayList<>();
    List<Future<Void>> scheduled = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      Sender sender = loop.new Sender(i, vertx.getOrCreateContext());
      senders.add(sender);
      scheduled.add(sender.scheduled.future());
      sender.context.runOnContext(v -> sender.timer = vertx.setPeriodic(1, id -> sender.sendDue()));
    }
    Await.result(Future.all(scheduled), warmUp.plus(measure).plusSeconds(60), target + ": the schedule");
    long drainEnd = System.nanoTime() + DRAIN.toNanos();
    while (loop.outstanding.get() > 0 && System.nanoTime() < drainEnd) {
      Thread.sleep(10); // poll interval of a condition with a deadline
    }
    if (loop.firstError.get() != null) {
      System.err.println("bench: " + target + ": " + loop.errors.get() + " failed operations, the first: "
          + loop.firstError.get());
    }
    Latencies all = new Latencies();
    for (Sender sender : senders) {
      synchronized (sender.latencies) {
        all.addAll(sender.latencies);
      }
    }
    LoadResult load = LoadResult.of(target, SENDERS, measure.toNanos() / 1e9, all, loop.errors.get(),
        loop.succeeded.get());
    return new Outcome(load, loop.outstanding.get());
  }

  private final class Sender {
    final int index;
    final Context context;
    final Latencies latencies = new Latencies();
    final Promise<Void> scheduled = Promise.promise();
    long timer;
    /** The next operation of this sender's share of the schedule. */
    long next;

    Sender(int index, Context context) {
      this.index = index;
      this.context = context;
      this.next = index;
    }

    void sendDue() {
      long now = System.nanoTime();
      while (true) {
        long due = start + (long) (next * intervalNanos);
        if (due >= to) {
          context.owner().cancelTimer(timer);
          scheduled.tryComplete();
          return;
        }
        if (due > now) {
          return;
        }
        send(due, next);
        next += SENDERS;
      }
    }

    private void send(long due, long sequence) {
      outstanding.incrementAndGet();
      Future<?> answer;
      try {
        answer = operation.run(index, sequence);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(result -> {
        long end = System.nanoTime();
        outstanding.decrementAndGet();
        if (result.failed()) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, result.cause());
        } else {
          succeeded.incrementAndGet();
          if (due >= from) {
            // Answers may complete on another thread than the sender's (the connection's event loop).
            synchronized (latencies) {
              latencies.add(end - due);
            }
          }
        }
      });
    }
  }
}
