package io.rune.storage.api;

import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics of one Vert.x ({@code Vertx.builder().withMetrics(options -> recorder)}) that
 * note every event-bus address: those a consumer registers on (Vert.x's reply handlers
 * included) and those a message is sent or published to, whether anyone listens or not.
 */
final class BusAddressRecorder implements VertxMetrics {
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final Set<String> sent = ConcurrentHashMap.newKeySet();
  private final Set<String> published = ConcurrentHashMap.newKeySet();

  @Override
  public EventBusMetrics<?> createEventBusMetrics() {
    return new EventBusMetrics<Void>() {
      @Override
      public Void handlerRegistered(String address) {
        registered.add(address);
        return null;
      }

      @Override
      public void messageSent(String address, boolean publish, boolean local, boolean remote) {
        (publish ? published : sent).add(address);
      }
    };
  }

  /** Every address seen so far, sorted. */
  Set<String> addresses() {
    Set<String> all = new TreeSet<>(registered);
    all.addAll(sent);
    all.addAll(published);
    return all;
  }

  Set<String> registered() {
    return new TreeSet<>(registered);
  }

  /** How {@code address} was used, for failure messages: "registered on, published to". */
  String uses(String address) {
    List<String> how = new ArrayList<>();
    if (registered.contains(address)) {
      how.add("registered on");
    }
    if (sent.contains(address)) {
      how.add("sent to");
    }
    if (published.contains(address)) {
      how.add("published to");
    }
    return String.join(", ", how);
  }
}
