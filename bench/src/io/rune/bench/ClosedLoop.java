package io.rune.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed loop: {@code concurrency} workers, each starting its next operation when its previous
 * one has answered. Only operations that start and end inside the measurement window count; the
 * warm-up before it is discarded. Bounded in time, in operations and in errors.
 */
final class ClosedLoop {
  /** One operation; worker and sequence make unique names possible. */
  interface Operation {
    Future<?> run(int worker, long sequence);
  }

  private static final long MAX_OPERATIONS = 20_000_000;
  private static final long MAX_ERRORS = 1_000;

  private final Operation operation;
  private final long from;
  private final long to;
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();

  private ClosedLoop(Operation operation, Duration warmUp, Duration measure) {
    this.operation = operation;
    this.from = System.nanoTime() + warmUp.toNanos();
    this.to = from + measure.toNanos();
  }

  static LoadResult run(Vertx vertx, String target, int concurrency, Duration warmUp, Duration measure,
      Operation operation) {
    ClosedLoop loop = new ClosedLoop(operation, warmUp, measure);
    List<Worker> workers = new ArrayList<>();
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Worker worker = loop.new Worker(i);
      workers.add(worker);
      done.add(worker.done.future());
      // Each call from a non-Vert.x thread gives a new context, spread over the event loops.
      vertx.getOrCreateContext().runOnContext(v -> worker.next());
    }
    Await.result(Future.all(done), warmUp.plus(measure).plusSeconds(60), target);
    if (loop.errors.get() > MAX_ERRORS) {
      throw new IllegalStateException(target + ": more than " + MAX_ERRORS + " failed operations; the first: "
          + loop.firstError.get(), loop.firstError.get());
    }
    if (loop.firstError.get() != null) {
      System.err.println("bench: " + target + ": " + loop.errors.get() + " failed operations, the first: "
          + loop.firstError.get());
    }
    Latencies all = new Latencies();
    workers.forEach(worker -> all.addAll(worker.latencies));
    return LoadResult.of(target, concurrency, measure.toNanos() / 1e9, all, loop.errors.get(),
        loop.succeeded.get());
  }

  private final class Worker {
    final int index;
    final Latencies latencies = new Latencies();
    final Promise<Void> done = Promise.promise();
    long sequence;

    Worker(int index) {
      this.index = index;
    }

    void next() {
      long begin = System.nanoTime();
      if (begin >= to || issued.incrementAndGet() > MAX_OPERATIONS || errors.get() > MAX_ERRORS) {
        done.tryComplete();
        return;
      }
      Future<?> answer;
      try {
        answer = operation.run(index, sequence++);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(result -> {
        long end = System.nanoTime();
        if (result.failed()) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, result.cause());
        } else {
          succeeded.incrementAndGet();
          if (begin >= from && end <= to) {
            latencies.add(end - begin);
          }
        }
        next();
      });
    }
  }
}
