package io.rune.storage.testing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket watcher as a user's program would write one, collecting frames in order. */
public final class WatchClient implements AutoCloseable {
  /** As the server sent them: a frame's exact text, to compare bytes between watchers. */
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;
  private final boolean manualDemand;

  private WatchClient(String url, String token, String[] protocols, boolean manualDemand) {
    this.manualDemand = manualDemand;
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (protocols != null) {
      builder.subprotocols(protocols[0], java.util.Arrays.copyOfRange(protocols, 1, protocols.length));
    }
    socket = builder.buildAsync(URI.create(url), new Listener()).join();
  }

  /** Connects to /api/v1/watch with the given query (e.g. "kinds=volumes&sinceSeq=3"). */
  public static WatchClient connect(TestServer server, String token, String query) {
    return new WatchClient(wsUrl(server, query), token, null, false);
  }

  /** Connects to /api/v1/watch of the server at {@code baseUrl} (http://host:port), e.g. a runed process. */
  public static WatchClient connect(String baseUrl, String token, String query) {
    return new WatchClient(baseUrl.replaceFirst("^http", "ws") + "/api/v1/watch" + (query == null ? "" : "?" + query),
        token, null, false);
  }

  /** A watcher that reads nothing until told to: a slow consumer. */
  public static WatchClient connectPaused(TestServer server, String token, String query) {
    return new WatchClient(wsUrl(server, query), token, null, true);
  }

  /** Authenticates as browsers must: with subprotocols instead of a header. */
  public static WatchClient connectWithSubprotocol(TestServer server, String token, String query) {
    return new WatchClient(wsUrl(server, query), null, new String[] {"rune.watch", "rune.bearer." + token}, false);
  }

  private static String wsUrl(TestServer server, String query) {
    return "ws://127.0.0.1:" + server.port() + "/api/v1/watch" + (query == null ? "" : "?" + query);
  }

  public String subprotocol() {
    return socket.getSubprotocol();
  }

  /** Lets a paused watcher read {@code n} more frames. */
  public void request(long n) {
    socket.request(n);
  }

  /** The next frame, waiting up to {@code timeout}; fails when none comes. */
  public JsonObject next(Duration timeout) {
    return new JsonObject(nextText(timeout));
  }

  /** The next frame's text exactly as it came, waiting up to {@code timeout}; fails when none comes. */
  public String nextText(Duration timeout) {
    try {
      String frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no watch frame within " + timeout);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Frames up to and including the first that matches, within {@code timeout}. */
  public List<JsonObject> until(Predicate<JsonObject> last, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonObject> seen = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching watch frame within " + timeout + "; saw " + seen);
      }
      JsonObject frame = next(Duration.ofNanos(left));
      seen.add(frame);
      if (last.test(frame)) {
        return seen;
      }
    }
  }

  /** Frames of changes (not bookmarks) until one with seq >= {@code seq}. */
  public List<JsonObject> changesThrough(long seq, Duration timeout) {
    return until(f -> f.getLong("seq", -1L) >= seq && !"BOOKMARK".equals(f.getString("type")), timeout)
        .stream().filter(f -> !"BOOKMARK".equals(f.getString("type"))).toList();
  }

  /** Waits for the server to close the socket and returns the close code. */
  public int awaitClose(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed within " + timeout, e);
    }
  }

  /** Whether the server closed the socket within {@code timeout}. */
  public boolean closedBy(Duration timeout) {
    if (closed.isDone()) {
      return true;
    }
    try {
      closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.abort();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      if (!manualDemand) {
        webSocket.request(Long.MAX_VALUE);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }
  }
}
