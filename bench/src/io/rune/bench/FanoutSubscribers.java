package io.rune.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watchers of the fan-out bench: many WebSockets on 127.0.0.1 from one Vert.x client, each
 * noting when each sequence first arrived and how often one came twice. Kept cheap: a frame's
 * seq is found in its text without parsing the JSON.
 */
final class FanoutSubscribers implements AutoCloseable {
  private static final int CONNECTING_AT_ONCE = 50;
  private static final Duration CONNECT_DEADLINE = Duration.ofMinutes(2);

  /** One socket's frames; written on its event loop, read by the bench's thread afterwards. */
  static final class Subscriber {
    final Map<Long, Long> arrivals = new ConcurrentHashMap<>();
    final AtomicInteger doubled = new AtomicInteger();
    final AtomicLong highest = new AtomicLong(-1);
    final AtomicInteger textLength = new AtomicInteger();
    volatile boolean greeted;

    void frame(String text) {
      long now = System.nanoTime();
      long seq = seqOf(text);
      if (text.startsWith("{\"type\":\"BOOKMARK\"")) {
        greeted = true;
        return;
      }
      textLength.set(text.length());
      if (arrivals.putIfAbsent(seq, now) != null) {
        doubled.incrementAndGet();
      }
      highest.accumulateAndGet(seq, Math::max);
    }
  }

  private final WebSocketClient client;
  private final List<WebSocket> sockets = new ArrayList<>();
  final List<Subscriber> subscribers = new ArrayList<>();

  private FanoutSubscribers(Vertx vertx, int count) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count + 10)
        .setConnectTimeout(30_000));
  }

  /** Connects {@code count} sockets to {@code uri} on 127.0.0.1:{@code port}, {@code token} as bearer (or none). */
  static FanoutSubscribers connect(Vertx vertx, int port, String uri, String token, int count) {
    FanoutSubscribers all = new FanoutSubscribers(vertx, count);
    for (int first = 0; first < count; first += CONNECTING_AT_ONCE) {
      List<Future<WebSocket>> batch = new ArrayList<>();
      for (int i = first; i < Math.min(count, first + CONNECTING_AT_ONCE); i++) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
        if (token != null) {
          options.addHeader("Authorization", "Bearer " + token);
        }
        Subscriber subscriber = new Subscriber();
        all.subscribers.add(subscriber);
        batch.add(all.client.connect(options).onSuccess(socket -> socket.textMessageHandler(subscriber::frame)));
      }
      all.sockets.addAll(Await.result(Future.all(batch), CONNECT_DEADLINE, "connecting watchers " + first + "..")
          .list());
    }
    return all;
  }

  /** Waits (with a deadline) until every socket has had its first BOOKMARK: each watcher is live. */
  void awaitGreeted(Duration deadline) throws InterruptedException {
    awaitAll(s -> s.greeted, deadline, "every watcher's first BOOKMARK");
  }

  /** Waits (with a deadline) until every socket has seen {@code seq} or later; false when it passes. */
  boolean awaitSeen(long seq, Duration deadline) throws InterruptedException {
    try {
      awaitAll(s -> s.highest.get() >= seq, deadline, "seq " + seq);
      return true;
    } catch (IllegalStateException late) {
      return false;
    }
  }

  private void awaitAll(java.util.function.Predicate<Subscriber> done, Duration deadline, String what)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!subscribers.stream().allMatch(done)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(subscribers.stream().filter(done.negate()).count() + " of "
            + subscribers.size() + " watchers still lack " + what + " after " + deadline.toSeconds() + " s");
      }
      Thread.sleep(50); // poll interval of a condition with a deadline
    }
  }

  /** The number in {@code "seq":N}, the frame's first; -1 when there is none. */
  static long seqOf(String text) {
    int at = text.indexOf("\"seq\":");
    if (at < 0) {
      return -1;
    }
    long seq = 0;
    for (int i = at + 6; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
      seq = seq * 10 + (text.charAt(i) - '0');
    }
    return seq;
  }

  @Override
  public void close() {
    Await.result(Future.join(sockets.stream().map(WebSocket::close).toList()).eventually(client::close),
        Duration.ofSeconds(60), "closing the watchers");
  }
}
