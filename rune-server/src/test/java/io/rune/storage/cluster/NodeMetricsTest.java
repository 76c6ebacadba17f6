package io.rune.storage.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private List<NodeInfo> listed = List.of();
  private final NodeMetrics metrics = new NodeMetrics(vertx, () -> Future.succeededFuture(listed), registry,
      Duration.ofHours(1));

  @AfterEach
  void close() {
    vertx.close();
  }

  private static NodeInfo node(String name, Duration age) {
    Instant now = Instant.now();
    return new NodeInfo(name, Map.of(), "http://127.0.0.1:7861", "1.0.0", now.minusSeconds(3600), now.minus(age), age,
        age.compareTo(Duration.ofSeconds(15)) < 0, List.of());
  }

  private Double age(String node) {
    Gauge gauge = registry.find(NodeMetrics.NAME).tag("node", node).gauge();
    return gauge == null ? null : gauge.value();
  }

  @Test
  void oneGaugePerNodeGrowingBetweenReadsAndGoneWithItsRow() throws Exception {
    listed = List.of(node("a", Duration.ofMillis(1500)), node("b", Duration.ofSeconds(90)));
    assertThat(metrics.refresh().succeeded()).isTrue();
    assertThat(age("a")).isBetween(1.5, 5.0);
    assertThat(age("b")).isBetween(90.0, 95.0);

    double before = age("a");
    // No new read of the directory: the age grows with this JVM's clock alone.
    await().atMost(Duration.ofSeconds(5)).until(() -> age("a") >= before + 0.05);

    listed = List.of(node("b", Duration.ofMillis(200)));
    metrics.refresh();
    assertThat(age("a")).as("a node gone from the table").isNull();
    assertThat(age("b")).as("the new read replaces the old age").isLessThan(5.0);

    metrics.stop();
    assertThat(registry.find(NodeMetrics.NAME).gauges()).isEmpty();
    listed = List.of(node("c", Duration.ZERO));
    metrics.refresh();
    assertThat(age("c")).as("nothing registered once stopped").isNull();
  }
}
