package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.cluster.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node-local call awaited while its node dies: the bus never fails it, so RemoteDriver looks
 * at the node now and then. Counts those looks: they stop when the call ends, however it ends.
 */
class RemoteDriverPendingTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void aPendingCallFailsWithNodeUnavailableOnceItsNodeIsNotReadyAndStopsLooking() {
    DriverProvider local = DriverCatalog.discover().provider("local").orElseThrow();
    AtomicInteger received = new AtomicInteger();
    // Node b's driver takes the request and never answers (a node that died with it in hand).
    vertx.eventBus().consumer(DriverCatalog.address("local", true, "b"), message -> received.incrementAndGet());
    AtomicInteger looks = new AtomicInteger();
    Instant started = Instant.now();
    RemoteDriver.NodeLiveness liveness = node -> {
      looks.incrementAndGet();
      boolean ready = Duration.between(started, Instant.now()).toMillis() < 3000;
      return Future.succeededFuture(new NodeInfo(node, Map.of(), null, "1", started, started,
          ready ? Duration.ZERO : Duration.ofSeconds(20), ready, List.of()));
    };
    Future<Void> call = new RemoteDriver(vertx, local, "b", Duration.ofMinutes(5), liveness)
        .delete(new DriverContext(null, null, Map.of(), "b"), "handle");

    await().atMost(Duration.ofSeconds(10)).until(call::isComplete);
    assertThat(received).hasValue(1);
    assertThat(call.failed()).isTrue();
    assertThat(((DriverException) call.cause()).reason()).isEqualTo(RemoteDriver.NODE_UNAVAILABLE);
    // One look before sending, then one each 2 s until NotReady (after 3 s): two or three in all.
    assertThat(looks.get()).isBetween(2, 4);
    int atEnd = looks.get();
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6))
        .until(() -> looks.get() == atEnd);
  }

  @Test
  void aPendingCallFailsWithNodeUnavailableOnceItsNodeIsSeenStartedAgainThoughItNeverTurnedNotReady() {
    DriverProvider local = DriverCatalog.discover().provider("local").orElseThrow();
    vertx.eventBus().consumer(DriverCatalog.address("local", true, "b"), message -> { });
    Instant started = Instant.now();
    // Killed and started again after 3 s, within its lease: Ready at every look.
    RemoteDriver.NodeLiveness liveness = node -> {
      boolean again = Duration.between(started, Instant.now()).toMillis() >= 3000;
      return Future.succeededFuture(new NodeInfo(node, Map.of(), null, "1",
          again ? started.plusSeconds(3) : started, Instant.now(), Duration.ZERO, true, List.of()));
    };
    Future<Void> call = new RemoteDriver(vertx, local, "b", Duration.ofMinutes(5), liveness)
        .delete(new DriverContext(null, null, Map.of(), "b"), "handle");

    await().atMost(Duration.ofSeconds(10)).until(call::isComplete);
    DriverException failure = (DriverException) call.cause();
    assertThat(failure.reason()).isEqualTo(RemoteDriver.NODE_UNAVAILABLE);
    assertThat(failure.getMessage()).contains("node b started again").contains("while a call was under way");
    assertThat(RemoteDriver.silenceOf(failure)).as("it was not silent: no longer wait").hasValue(Duration.ZERO);
  }
}
