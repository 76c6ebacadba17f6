package io.rune.bench;

import static io.rune.bench.Session.step;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 20: the Vert.x HTTP client, called from plain threads (not Vert.x ones), was seen leaving
 * about 1 request in 3,000 neither answered nor failed by its timeout. This sends GETs from
 * {@link #THREADS} plain threads, each waiting for one answer before the next (as a poll does),
 * through the bench's own {@link HttpTarget}, and counts the requests still without an outcome
 * once every request timeout has passed.
 */
final class ClientThreadCheck {
  static final int THREADS = 4;
  /** A GET of one volume answers in milliseconds; one not answered by then is waited for at the end. */
  private static final Duration PATIENCE = Duration.ofSeconds(2);
  /** Past the client's request timeout (30 s): by then every request has an outcome, or never will. */
  private static final Duration SETTLE = Duration.ofSeconds(40);

  /** Requests sent, those that failed (timeouts included), and those without any outcome at the end. */
  record Outcome(long sent, long failed, long unanswered, double seconds) {}

  private ClientThreadCheck() {}

  static Outcome run(HttpTarget target, String path, int requests) throws InterruptedException {
    step(String.format("Vert.x client from %d plain threads: %,d GETs, each thread waiting for its answer before"
        + " the next, then counting those that never got an outcome", THREADS, requests));
    AtomicLong next = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Future<?>> pending = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < THREADS; i++) {
      Thread thread = new Thread(() -> {
        while (next.getAndIncrement() < requests) {
          Future<?> answer = target.send(HttpMethod.GET, path, null, 200).onFailure(e -> failed.incrementAndGet());
          try {
            answer.toCompletionStage().toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            pending.add(answer); // no answer yet: looked at again once every timeout has passed
          } catch (java.util.concurrent.ExecutionException e) {
            // a failure is an outcome, counted by onFailure
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "plain-client-" + i);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(Duration.ofMinutes(10).toMillis());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long settleEnd = System.nanoTime() + SETTLE.toNanos();
    while (pending.stream().anyMatch(f -> !f.isComplete()) && System.nanoTime() < settleEnd) {
      Thread.sleep(100); // poll interval of a condition with a deadline
    }
    long unanswered = pending.stream().filter(f -> !f.isComplete()).count();
    Outcome outcome = new Outcome(requests, failed.get(), unanswered, seconds);
    step(String.format("  %,d GETs in %.1f s: %d failed, %d never answered nor failed (%d slower than %d s)",
        requests, seconds, outcome.failed(), unanswered, pending.size(), PATIENCE.toSeconds()));
    return outcome;
  }
}
