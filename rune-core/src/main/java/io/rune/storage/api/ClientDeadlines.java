package io.rune.storage.api;

import io.rune.storage.config.RuneConfig.ClientTimeouts;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops clients that take too long to send a request. An idle timeout alone does not: a
 * client sending one byte every few seconds (slowloris) is never idle, yet holds a
 * connection, and with enough of them every file descriptor. So each connection gets a
 * deadline for a request's headers (from its start or its last answer) and each request
 * with a body a deadline for that body; a sweep closes the connections past theirs.
 *
 * <p>One instance per HTTP server, used on that server's event loop only.
 */
final class ClientDeadlines {
  private static final Logger log = LoggerFactory.getLogger(ClientDeadlines.class);

  private final Vertx vertx;
  private final long headersNanos;
  private final long bodyNanos;
  private final Map<HttpConnection, Client> clients = new HashMap<>();
  private long sweeper = -1;

  ClientDeadlines(Vertx vertx, ClientTimeouts timeouts) {
    this.vertx = vertx;
    this.headersNanos = timeouts.headers().toNanos();
    this.bodyNanos = timeouts.body().toNanos();
  }

  /** Starts sweeping: often enough that a deadline is kept within a quarter of the shorter bound. */
  void start() {
    long shorter = Math.min(headersNanos, bodyNanos) / 4;
    long every = Math.max(50, Math.min(1000, Duration.ofNanos(shorter).toMillis()));
    sweeper = vertx.setPeriodic(every, id -> sweep());
  }

  void stop() {
    vertx.cancelTimer(sweeper);
  }

  /** The server's connection handler: the headers deadline runs from the connection's start. */
  void connected(HttpConnection connection) {
    clients.put(connection, new Client(System.nanoTime()));
    connection.closeHandler(v -> clients.remove(connection));
    // A decoding failure (a bad chunk size) closes the connection: the client's mistake, not
    // the server's, and an answer already written must still leave.
    connection.exceptionHandler(failure -> {
      log.debug("connection from {} failed: {}", connection.remoteAddress(), failure.toString());
      HttpErrors.flushBeforeClose(connection);
    });
  }

  /** Wraps the server's request handler: a request that arrives has its headers in. */
  Handler<HttpServerRequest> tracking(Handler<HttpServerRequest> next) {
    return request -> {
      Client client = clients.get(request.connection());
      if (client != null) {
        client.requests.add(new InFlight(request, System.nanoTime(), hasBody(request)));
      }
      next.handle(request);
    };
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.equals("0"));
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<HttpConnection, Client> entry : Map.copyOf(clients).entrySet()) {
      HttpConnection connection = entry.getKey();
      Client client = entry.getValue();
      if (client.requests.stream().anyMatch(r -> r.request.response().getStatusCode() == 101)) {
        clients.remove(connection); // a WebSocket now: its frames are no request, the idle timeout guards it
        continue;
      }
      // Answered requests leave; the next request's headers are due from the last answer on.
      if (client.requests.removeIf(r -> r.request.response().ended() || r.request.response().closed())) {
        client.waitingSince = now;
      }
      if (client.requests.isEmpty()) {
        if (now - client.waitingSince > headersNanos) {
          log.debug("closing a connection from {}: no complete request headers within {}",
              connection.remoteAddress(), Duration.ofNanos(headersNanos));
          clients.remove(connection);
          connection.close();
        }
        continue;
      }
      for (InFlight inFlight : client.requests) {
        if (inFlight.hasBody && !inFlight.request.isEnded() && now - inFlight.since > bodyNanos) {
          timeOut(connection, inFlight.request);
          break;
        }
      }
    }
  }

  /** Answers 408 in the error body when nothing was answered yet, then closes the connection. */
  private void timeOut(HttpConnection connection, HttpServerRequest request) {
    log.debug("closing a connection from {}: the body of {} {} did not arrive within {}",
        connection.remoteAddress(), request.method(), request.path(), Duration.ofNanos(bodyNanos));
    clients.remove(connection);
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.closed()) {
      connection.close();
      return;
    }
    ApiException error = new ApiException(408, "RequestTimeout", "the request body did not arrive within "
        + Duration.ofNanos(bodyNanos).toSeconds() + " s; send it at once, or in fewer, larger pieces", null);
    response.setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(error.body().encode())
        .onComplete(done -> connection.close());
  }

  /** A connection's requests in flight, and since when it has been waiting for the next one. */
  private static final class Client {
    final Set<InFlight> requests = new HashSet<>();
    long waitingSince;

    Client(long openedAt) {
      this.waitingSince = openedAt;
    }
  }

  private record InFlight(HttpServerRequest request, long since, boolean hasBody) {}
}
