package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.RecordedRequest;
import io.rune.storage.driver.fakecloud.Reply;
import io.rune.storage.drivers.digitalocean.fake.Fault.ActionFault;
import io.rune.storage.drivers.digitalocean.fake.Fault.Answer;
import io.rune.storage.drivers.digitalocean.fake.Fault.Delay;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What happens to every request before and after its endpoint, in the order DigitalOcean
 * would do it: the request is recorded and checked for an early retry; it is validated
 * against the contract (a failure is recorded whatever the answer); then rate limits (429),
 * the token (401), the validation result (400/422) and queued faults may answer it before
 * the endpoint does. Every reply carries the rate-limit headers and is validated before it
 * is sent.
 */
final class RequestPipeline {
  private static final String BEARER = "Bearer ";

  /** An operation of the API: the reply to a request that passed the checks. */
  @FunctionalInterface
  interface Endpoint {
    Reply answer(Call call);
  }

  /** A request as an endpoint sees it. */
  record Call(Map<String, String> pathParams, MultiMap query, JsonObject body, String base, String path,
      Supplier<Optional<ActionFault>> actionFault) {

    String query(String name) {
      return query.get(name);
    }
  }

  private final Vertx vertx;
  private final Clock clock;
  private final ContractCheck contract;
  private final RateLimits limits;
  private final FaultQueue faults;
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private volatile String base = "";

  RequestPipeline(Vertx vertx, Clock clock, ContractCheck contract, RateLimits limits, FaultQueue faults) {
    this.vertx = vertx;
    this.clock = clock;
    this.contract = contract;
    this.limits = limits;
    this.faults = faults;
  }

  void setBase(String base) {
    this.base = base;
  }

  void acceptToken(String token) {
    tokens.add(token);
  }

  /** Recorded when answered, listed in the order they arrived. */
  List<RecordedRequest> requests() {
    return requests.stream().sorted(Comparator.comparing(RecordedRequest::time)).toList();
  }

  void reset() {
    tokens.clear();
    requests.clear();
  }

  /** The handler for an operation of the contract; a null operationId stands for "not in the contract". */
  Handler<RoutingContext> serve(String operationId, Endpoint endpoint) {
    return ctx -> handle(ctx, operationId, endpoint);
  }

  private void handle(RoutingContext ctx, String operationId, Endpoint endpoint) {
    Instant now = clock.instant();
    HttpServerRequest request = ctx.request();
    String method = request.method().name();
    String uri = request.uri();
    String token = bearerToken(request);
    limits.noteArrival(token, now, method + " " + uri);
    if (token == null) {
      contract.missingBearerToken(method, uri);
    }
    Future<Optional<ApiError>> checked;
    if (operationId == null) {
      contract.unknownOperation(method, uri);
      checked = Future.succeededFuture(Optional.of(ApiError.NOT_FOUND));
    } else {
      checked = contract.checkRequest(ctx, operationId);
    }
    checked
        .compose(invalid -> answer(ctx, now, token, invalid, endpoint))
        .compose(reply -> operationId == null
            ? Future.succeededFuture(reply)
            : contract.checkReply(reply, method, uri, operationId).map(reply))
        .onSuccess(reply -> {
          Instant notBefore = reply.status() == 429 ? limits.notBefore(token) : null;
          requests.add(new RecordedRequest(now, method, request.path(), request.query(), token, ctx.body().asString(),
              operationId, reply.status(), notBefore));
          send(ctx.response(), reply);
        })
        .onFailure(ctx::fail);
  }

  private Future<Reply> answer(RoutingContext ctx, Instant now, String token, Optional<ApiError> invalid,
      Endpoint endpoint) {
    RateLimits.Verdict verdict = limits.take(token, now);
    Map<String, String> headers = verdict.headers();
    Optional<ApiError> refusal = verdict.refusal()
        .or(() -> token == null || !tokens.contains(token) ? Optional.of(ApiError.UNAUTHORIZED) : Optional.empty())
        .or(() -> invalid);
    if (refusal.isPresent()) {
      return Future.succeededFuture(refusal.get().toReply().withHeaders(headers));
    }
    String method = ctx.request().method().name();
    String path = ctx.request().path();
    return delay(method, path).map(waited -> faults.take(Answer.class, method, path)
        .map(fault -> faultReply(fault, token, headers))
        .orElseGet(() -> endpointReply(ctx, endpoint, method, path).withHeaders(headers)));
  }

  private Future<Void> delay(String method, String path) {
    Optional<Delay> delay = faults.take(Delay.class, method, path);
    if (delay.isEmpty() || delay.get().delay().isZero()) {
      return Future.succeededFuture();
    }
    return vertx.timer(delay.get().delay().toMillis(), TimeUnit.MILLISECONDS).mapEmpty();
  }

  private Reply faultReply(Answer fault, String token, Map<String, String> headers) {
    Reply reply = new ApiError(fault.status(), fault.id(), fault.message()).toReply().withHeaders(headers);
    return fault.retryAfter() == null
        ? reply
        : reply.withHeaders(limits.refuse(token, clock.instant(), fault.retryAfter()));
  }

  private Reply endpointReply(RoutingContext ctx, Endpoint endpoint, String method, String path) {
    JsonObject body = jsonBody(ctx);
    Call call = new Call(ctx.pathParams(), ctx.queryParams(), body, base, path,
        () -> faults.take(ActionFault.class, method, path));
    try {
      return endpoint.answer(call);
    } catch (ApiError error) {
      return error.toReply();
    } catch (RuntimeException bug) {
      contract.fakeFailed(method + " " + ctx.request().uri(), bug);
      return ApiError.SERVER_ERROR.toReply();
    }
  }

  /** The body as JSON; null without one or for a body that is not (only operations without a body get one). */
  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      return ctx.body().length() > 0 ? ctx.body().asJsonObject() : null;
    } catch (DecodeException | ClassCastException notAnObject) {
      return null;
    }
  }

  private static String bearerToken(HttpServerRequest request) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.startsWith(BEARER) || authorization.length() == BEARER.length()) {
      return null;
    }
    return authorization.substring(BEARER.length()).trim();
  }

  private static void send(HttpServerResponse response, Reply reply) {
    response.setStatusCode(reply.status());
    reply.headers().forEach(response::putHeader);
    if (reply.body() == null) {
      response.end();
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8").end(reply.body().toBuffer());
    }
  }
}
