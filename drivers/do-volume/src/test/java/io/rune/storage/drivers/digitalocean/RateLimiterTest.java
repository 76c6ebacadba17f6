package io.rune.storage.drivers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final Vertx vertx = Vertx.vertx();
  private final RateLimiter limiter = new RateLimiter(vertx, Clock.systemUTC());

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anOpenGateLetsRequestsThroughAtOnce() {
    limiter.observe(4999L, Instant.now().plusSeconds(3600).getEpochSecond());
    assertThat(limiter.acquire().isComplete()).isTrue();
  }

  @Test
  void aRetryAfterHoldsEveryRequestUntilThen() throws Exception {
    Instant until = limiter.refused(1L, null);
    assertThat(until).isAfter(Instant.now());
    Instant opened = limiter.acquire().map(v -> Instant.now()).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(opened).isAfterOrEqualTo(until);
  }

  @Test
  void noRequestLeftInTheWindowHoldsUntilTheResetAndTheLaterTimeWins() throws Exception {
    long reset = Instant.now().plusSeconds(2).getEpochSecond();
    limiter.observe(0L, reset);
    limiter.refused(1L, null); // an earlier retry-after does not open the gate sooner
    assertThat(limiter.closedUntil()).isEqualTo(Instant.ofEpochSecond(reset));
    Instant opened = limiter.acquire().map(v -> Instant.now()).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(opened).isAfterOrEqualTo(Instant.ofEpochSecond(reset));
  }
}
