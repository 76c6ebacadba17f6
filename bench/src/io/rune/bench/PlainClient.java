package io.rune.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * runed's API through the JDK's HTTP client, for the snapshot bench, which sends a request now
 * and then rather than a load. Not the Vert.x client of the other benches: with it, GETs of the
 * snapshot bench's polls sometimes never completed, neither answered nor failed by their 30 s
 * timeouts, while the disk was saturated (bench/NOTES.md). The JDK client's timeouts are its own.
 */
final class PlainClient {
  /** A request gets no answer later than this, whatever the caller waits. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String authorization;

  PlainClient(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.authorization = "Bearer " + token;
  }

  record Answer(int status, String body) {}

  /** Sends; the future answers whatever the status, or fails after {@link #REQUEST_TIMEOUT}. */
  CompletableFuture<Answer> send(String method, String path, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
        .header("Authorization", authorization);
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json));
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> new Answer(response.statusCode(), response.body()));
  }

  /** Sends and waits; fails when the status is not the expected one or no answer comes in time. */
  String call(String method, String path, String json, int expectedStatus) {
    Answer answer = await(send(method, path, json), REQUEST_TIMEOUT.plusSeconds(5), method + " " + path);
    if (answer.status() != expectedStatus) {
      throw new IllegalStateException(method + " " + path + " answered " + answer.status() + " instead of "
          + expectedStatus + ": " + answer.body().substring(0, Math.min(300, answer.body().length())));
    }
    return answer.body();
  }

  /**
   * The status of the object at {@code uri} once its phase is {@code phase}, asked every
   * {@code every}; fails when it is Failed, or not there by {@code deadline}.
   */
  JsonObject awaitPhase(String uri, String phase, Duration every, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      JsonObject status = new JsonObject(call("GET", uri, null, 200)).getJsonObject("status", new JsonObject());
      if (phase.equals(status.getString("phase"))) {
        return status;
      }
      if ("Failed".equals(status.getString("phase"))) {
        throw new IllegalStateException(uri + " failed: " + status.encode());
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException(uri + " did not become " + phase + " within " + deadline.toMinutes()
            + " min");
      }
      Thread.sleep(every.toMillis()); // the poll interval of a wait with a deadline
    }
  }

  /** The answer, or a {@link TimeoutException} cause when it takes longer than {@code deadline}. */
  static Answer await(CompletableFuture<Answer> answer, Duration deadline, String what) {
    try {
      return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + ": no answer within " + deadline.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    }
  }
}
