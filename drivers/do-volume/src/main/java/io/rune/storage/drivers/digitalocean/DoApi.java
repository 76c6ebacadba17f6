package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DigitalOcean API as the driver uses it: JSON over HTTPS to the one base URL the
 * operator configured, with the token of the class's secret. Every request passes its
 * token's {@link RateLimiter}; a 429 closes that gate and the request is sent again when
 * it opens, up to a few times. Status codes whose meaning depends on the call (404, 409,
 * 422) are left to the caller; 401, 5xx and network failures are classified here.
 */
final class DoApi {
  /** 429s one call sits out before it gives up and lets the controller retry later. */
  static final int MAX_RATE_LIMITED = 5;

  private final Vertx vertx;
  private final WebClient http;
  private final String apiUrl;
  private final long requestTimeoutMillis;
  private final Clock clock;
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  DoApi(Vertx vertx, DoVolumeSettings settings, Clock clock) {
    this.vertx = vertx;
    this.apiUrl = settings.apiUrl().replaceAll("/+$", "");
    this.requestTimeoutMillis = settings.requestTimeout().toMillis();
    this.clock = clock;
    this.http = WebClient.create(vertx, new WebClientOptions().setUserAgent("rune-storage do-volume")
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeoutMillis)),
        // Room for several tokens' requests in flight, so none queues for a connection after its gate.
        new PoolOptions().setHttp1MaxSize(64));
  }

  /** One answer: the status and the JSON body (empty for 204). */
  record Response(int status, JsonObject body) {
    boolean ok() {
      return status / 100 == 2;
    }

    /** The API's error message ({"id", "message"}), for errors that quote it. */
    String message() {
      return body.getString("message", "HTTP " + status);
    }

    String errorId() {
      return body.getString("id", "");
    }
  }

  Future<Response> get(DoToken token, String path) {
    return send(token, HttpMethod.GET, path, null);
  }

  Future<Response> post(DoToken token, String path, JsonObject body) {
    return send(token, HttpMethod.POST, path, body);
  }

  Future<Response> delete(DoToken token, String path) {
    return send(token, HttpMethod.DELETE, path, null);
  }

  /** When the token's gate opens (a time in the past when it is open), for messages and tests. */
  Instant rateLimitedUntil(DoToken token) {
    return limiter(token).closedUntil();
  }

  void close() {
    http.close();
  }

  private Future<Response> send(DoToken token, HttpMethod method, String path, JsonObject body) {
    return attempt(token, method, path, body, 1);
  }

  private Future<Response> attempt(DoToken token, HttpMethod method, String path, JsonObject body, int round) {
    RateLimiter limiter = limiter(token);
    return limiter.acquire().compose(open -> {
      HttpRequest<Buffer> request = http.requestAbs(method, apiUrl + path)
          .putHeader("Authorization", "Bearer " + token.value())
          .putHeader("Accept", "application/json")
          .timeout(requestTimeoutMillis);
      Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
      return sent.andThen(done -> limiter.release()).transform(done -> {
        if (done.failed()) {
          return Future.failedFuture(new DriverException(DriverError.TRANSIENT, "DigitalOcean API "
              + method + " " + path + " failed: " + done.cause().getMessage(), done.cause()));
        }
        HttpResponse<Buffer> response = done.result();
        limiter.observe(longHeader(response, "ratelimit-remaining"), longHeader(response, "ratelimit-reset"));
        if (response.statusCode() == 429) {
          Instant until = limiter.refused(longHeader(response, "retry-after"),
              longHeader(response, "ratelimit-reset"));
          if (round >= MAX_RATE_LIMITED) {
            return Future.failedFuture(new DriverException(DriverError.TRANSIENT, "DigitalOcean rate limit: "
                + round + " answers of 429 to " + method + " " + path + "; the API allows the next request at "
                + until));
          }
          return attempt(token, method, path, body, round + 1);
        }
        return classify(method, path, new Response(response.statusCode(), json(response)), token);
      });
    });
  }

  /** The failures that mean the same for every call; the rest go back to the caller. */
  private static Future<Response> classify(HttpMethod method, String path, Response response, DoToken token) {
    int status = response.status();
    if (status == 401 || (status == 403 && !capacity(response))) {
      return Future.failedFuture(new DriverException(DriverError.AUTH, "DigitalOcean refused the API token from"
          + " secret " + token.source() + " (HTTP " + status + " " + response.errorId() + ": " + response.message()
          + "); put a valid token with read and write access in that secret, then retry"));
    }
    if (status >= 500) {
      return Future.failedFuture(new DriverException(DriverError.TRANSIENT, "DigitalOcean API " + method + " "
          + path + " answered HTTP " + status + ": " + response.message()));
    }
    return Future.succeededFuture(response);
  }

  /** A 403 that is about the account's capacity, not about the token. */
  static boolean capacity(Response response) {
    return response.message().toLowerCase(java.util.Locale.ROOT).contains("limit");
  }

  private RateLimiter limiter(DoToken token) {
    return limiters.computeIfAbsent(token.fingerprint(), f -> new RateLimiter(vertx, clock));
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      return body.toJsonObject();
    } catch (RuntimeException e) {
      return new JsonObject().put("message", "a body that is not JSON (HTTP " + response.statusCode() + ")");
    }
  }

  private static Long longHeader(HttpResponse<Buffer> response, String name) {
    String value = response.getHeader(name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
