package io.rune.storage.store;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's clock as seen from this server: the offset between the two, measured now and
 * then by asking the database for {@code clock_timestamp()} and taking the middle of the round
 * trip as the moment it answered. It lets a write state its commit deadline as an instant on
 * the database's clock before the database reads it (see {@link BoundedPool}): a deadline the
 * database computed on reading BEGIN would be taken after a freeze, too late to refuse a write
 * the client had given up on.
 */
final class DatabaseClock {
  private static final Logger log = LoggerFactory.getLogger(DatabaseClock.class);
  /** Clocks drift and NTP steps them: measured again this often. */
  static final Duration REMEASURE = Duration.ofMinutes(1);
  /**
   * A round trip longer than this says little about when the database answered within it
   * (the error is half the round trip): its measurement is not taken.
   */
  static final Duration TRUSTED_ROUND_TRIP = Duration.ofMillis(50);
  /** How soon to measure again while no measurement was trusted yet. */
  static final Duration UNTIL_KNOWN = Duration.ofMillis(500);

  private final Vertx vertx;
  private final Pool pool;
  /** Database clock minus this server's, in nanoseconds; valid once {@link #known} is true. */
  private volatile long offsetNanos;
  private volatile boolean known;
  private long timer = -1;
  private boolean stopped;

  DatabaseClock(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /**
   * Measures now, again every {@link #UNTIL_KNOWN} until a measurement is taken (the first
   * query opens a connection, too slow a round trip to trust), then every {@link #REMEASURE};
   * until then {@link #known} is false.
   */
  void start() {
    measure();
  }

  synchronized void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private synchronized void measureIn(Duration delay) {
    if (!stopped) {
      timer = vertx.setTimer(delay.toMillis(), id -> measure());
    }
  }

  boolean known() {
    return known;
  }

  /** {@code local} (an instant on this server's clock) as the database's clock reads it at that moment. */
  Instant onDatabaseClock(Instant local) {
    return local.plusNanos(offsetNanos);
  }

  private void measure() {
    long sentNanos = System.nanoTime();
    Instant sent = Instant.now();
    pool.query("SELECT clock_timestamp()").execute().onComplete(result -> {
      long roundTrip = System.nanoTime() - sentNanos;
      if (result.failed()) {
        log.debug("could not read the database's clock: {}", result.cause().getMessage());
      } else if (roundTrip > TRUSTED_ROUND_TRIP.toNanos()) {
        log.debug("the database's clock answered in {} ms: too slow to measure its offset by", roundTrip / 1_000_000);
      } else {
        Instant database = result.result().iterator().next().get(OffsetDateTime.class, 0).toInstant();
        Instant middle = sent.plusNanos(roundTrip / 2);
        offsetNanos = Duration.between(middle, database).toNanos();
        known = true;
      }
      measureIn(known ? REMEASURE : UNTIL_KNOWN);
    });
  }
}
