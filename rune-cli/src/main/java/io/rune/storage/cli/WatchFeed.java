package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server's watch stream (GET /api/v1/watch, a WebSocket) as a blocking sequence of
 * frames. It always knows the sequence it has reached, so when the connection drops, or
 * the server closes it as a slow consumer, it reconnects with {@code sinceSeq} and the
 * caller sees every change once, in order, as if nothing had happened.
 */
final class WatchFeed implements AutoCloseable {
  /** How long a dropped stream keeps trying to reconnect before giving up. */
  static final Duration RECONNECT_FOR = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final RuneClient client;
  private final String kinds;
  private final String namespace;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
  private WebSocket socket;
  /** Which connection is current: signals of earlier ones are dropped. */
  private int connection;
  private long seq;

  /** The server no longer keeps the changes asked for; {@code oldestKept} is the first sequence it has. */
  static final class Compacted extends CliException {
    private final long oldestKept;

    Compacted(long oldestKept, String message) {
      super(message);
      this.oldestKept = oldestKept;
    }

    long oldestKept() {
      return oldestKept;
    }
  }

  /** What a connection's listener hands over: a frame, or the socket's end (error null for a clean close). */
  private record Signal(int connection, JsonNode frame, boolean ended, Throwable error) {}

  private WatchFeed(RuneClient client, String kinds, String namespace, long seq) {
    this.client = client;
    this.kinds = kinds;
    this.namespace = namespace;
    this.seq = seq;
  }

  /**
   * Opens the stream after {@code sinceSeq}: every change with a higher sequence comes.
   *
   * @param kinds plurals separated by commas ("volumes,snapshots"), or null for every kind
   * @param namespace the namespace, or null for every one the token may see
   */
  static WatchFeed open(RuneClient client, String kinds, String namespace, long sinceSeq) {
    WatchFeed feed = new WatchFeed(client, kinds, namespace, sinceSeq);
    feed.connect();
    return feed;
  }

  /** The sequence of the last change delivered (or passed, by a bookmark). */
  long seq() {
    return seq;
  }

  /**
   * The next frame (a change, or a bookmark), or null when none came before {@code deadline}.
   * Error frames the stream recovers from are handled here; the rest throw.
   */
  JsonNode next(Instant deadline) {
    while (true) {
      Signal signal;
      try {
        long wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        signal = signals.poll(wait, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while watching " + client.server());
      }
      if (signal == null) {
        return null;
      }
      if (signal.connection() != connection) {
        continue; // left over from a connection already replaced
      }
      if (signal.ended()) {
        reconnect("the connection to " + client.server() + " closed"
            + (signal.error() != null ? " (" + signal.error().getMessage() + ")" : ""));
        continue;
      }
      JsonNode frame = signal.frame();
      if ("ERROR".equals(frame.path("type").asText())) {
        onError(frame);
        continue;
      }
      seq = Math.max(seq, frame.path("seq").asLong(seq));
      return frame;
    }
  }

  @Override
  public void close() {
    WebSocket open = socket;
    socket = null;
    if (open != null) {
      open.abort();
    }
  }

  private void onError(JsonNode frame) {
    String code = frame.path("code").asText();
    if (code.equals("Compacted")) {
      throw new Compacted(frame.path("seq").asLong(), "the server no longer keeps the changes after sequence " + seq
          + " (the oldest it keeps is " + frame.path("seq").asText() + "); start the watch again without --since");
    }
    if (code.equals("Unauthenticated")) {
      // The token was deleted: reconnecting with it can only be refused.
      throw new CliException("the server ended the watch: " + frame.path("message").asText(code));
    }
    // SlowConsumer, StoreUnavailable: the server says where to resume, which is where we are.
    reconnect("the server ended the stream: " + frame.path("message").asText(code));
  }

  /** Reconnects after {@code seq}, retrying with backoff for {@link #RECONNECT_FOR}. */
  private void reconnect(String why) {
    close();
    Instant giveUp = Instant.now().plus(RECONNECT_FOR);
    long backoff = 0;
    while (true) {
      try {
        // Each attempt after the first is scheduled after its back-off; the CLI's thread waits for its outcome.
        CompletableFuture.runAsync(this::connect, CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS))
            .join();
        return;
      } catch (CompletionException failed) {
        if (failed.getCause() instanceof ServerError refused) {
          throw refused; // the server answered, and said no: retrying will not change that
        }
        if (!(failed.getCause() instanceof CliException unreachable)) {
          throw failed;
        }
        if (Instant.now().isAfter(giveUp)) {
          throw new CliException(why + ", and reconnecting failed for " + RECONNECT_FOR.toSeconds() + "s: "
              + unreachable.getMessage());
        }
      }
      backoff = Math.min(Math.max(backoff * 2, 200), 3000);
    }
  }

  private void connect() {
    Map<String, String> query = query();
    URI uri = URI.create(client.server().toString().replaceFirst("^http", "ws") + RuneClient.API + "/watch"
        + RuneClient.queryString(query));
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
    if (client.token() != null) {
      builder.header("Authorization", "Bearer " + client.token());
    }
    try {
      connection++;
      socket = builder.buildAsync(uri, new Listener(connection)).get(CONNECT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException) {
        // The server refused the upgrade: the same request without it gets the reason as JSON.
        try {
          client.get("/watch", query);
        } catch (ServerError refused) {
          if ("InvalidSequence".equals(refused.code())) {
            throw new ServerError(refused.status(), refused.code(), refused.getMessage(), null,
                "watch from a sequence the server has reached (--since with the latest sequence or less),"
                    + " or without --since to start from now");
          }
          throw refused;
        }
        throw new CliException("the server at " + client.server() + " refused the watch (HTTP "
            + ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode() + ")");
      }
      throw new CliException("cannot reach the Rune server at " + client.server() + ": " + reason(e));
    } catch (TimeoutException e) {
      throw new CliException("the Rune server at " + client.server() + " did not open the watch stream within "
          + (CONNECT_TIMEOUT.toSeconds() + 5) + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while connecting to " + client.server());
    }
  }

  private Map<String, String> query() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("kinds", kinds);
    query.put("namespace", namespace);
    query.put("sinceSeq", Long.toString(seq));
    return query;
  }

  private static String reason(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank() && !(cause instanceof ExecutionException)) {
        return cause.getMessage();
      }
    }
    return error.getClass().getSimpleName();
  }

  /** Collects each text message (frames may come in parts) and hands it over as one frame. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final int connection;

    Listener(int connection) {
      this.connection = connection;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          signals.add(new Signal(connection, CliJson.MAPPER.readTree(text), false, null));
        } catch (IOException e) {
          signals.add(new Signal(connection, null, true, new IOException("the server sent a frame that is not JSON")));
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      signals.add(new Signal(connection, null, true, null));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      signals.add(new Signal(connection, null, true, error));
    }
  }
}
