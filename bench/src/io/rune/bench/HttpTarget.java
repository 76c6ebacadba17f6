package io.rune.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * An HTTP server on 127.0.0.1 as the bench talks to it: keep-alive connections, no pipelining,
 * at most {@code connections} of them, every request with the bearer token.
 */
final class HttpTarget implements AutoCloseable {
  /** A request that sees no connection or no byte for this long fails instead of hanging the run. */
  private static final long REQUEST_TIMEOUT_MILLIS = 30_000;

  private final HttpClient client;
  private final int port;
  private final String authorization;

  HttpTarget(Vertx vertx, int port, String token, int connections) {
    this.port = port;
    this.authorization = "Bearer " + token;
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setPipelining(false),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Answers the body, or fails when the status is not the expected one. */
  Future<Buffer> send(HttpMethod method, String uri, Buffer body, int expectedStatus) {
    RequestOptions options = new RequestOptions()
        .setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
        .setTimeout(REQUEST_TIMEOUT_MILLIS)
        .putHeader("Authorization", authorization);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(answer -> {
          if (response.statusCode() != expectedStatus) {
            String text = answer.toString();
            throw new IllegalStateException(method + " " + uri + " answered " + response.statusCode()
                + " instead of " + expectedStatus + ": " + text.substring(0, Math.min(300, text.length())));
          }
          return answer;
        }));
  }

  @Override
  public void close() {
    Await.result(client.close(), java.time.Duration.ofSeconds(10), "closing the HTTP client");
  }
}
