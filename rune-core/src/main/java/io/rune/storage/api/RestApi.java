package io.rune.storage.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST door: builds the router of API.md. An embedding application can mount this
 * router under its own HTTP server with {@code route("/storage/*").subRouter(router)}.
 */
public final class RestApi {
  public static final long MAX_BODY_BYTES = 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(RestApi.class);

  private RestApi() {}

  public static Router router(ApiContext context) {
    Router root = Router.router(context.vertx());
    RegisteredRoutes routes = new RegisteredRoutes();
    root.route().handler(RestApi::decodableQuery);
    root.route().handler(ctx -> QueryParameters.check(routes, ctx));
    new OpsRoutes(context).mount(root);
    new ConsoleRoutes().mount(root);

    Router api = Router.router(context.vertx());
    // The watch upgrade comes first: a body handler would consume the request it upgrades.
    new WatchRoute(context).mount(api, ctx -> authenticate(context, ctx));
    api.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    api.route().handler(ctx -> authenticate(context, ctx));
    new ResourceRoutes(context.resources()).mount(api);
    api.post("/apply").handler(ctx -> RouteSupport.write(ctx, 200, context.resources(),
        resources -> new Apply(resources).apply(RouteSupport.principal(ctx), RequestBodies.documents(ctx)),
        result -> result));
    new TokenRoutes(context.tokens(), context.authenticator()).mount(api);
    new WhoAmIRoutes().mount(api);
    new ObjectChangeRoutes(context.resources().store()).mount(api);
    new NodeRoutes(context.nodes()).mount(api);
    root.route("/api/v1/*").subRouter(api);

    root.route().last().handler(ctx -> noRoute(routes, ctx));
    QueryParameters.checkCovers(routes.read("", root).read("/api/v1", api));
    for (Router router : new Router[] {root, api}) {
      router.route().failureHandler(RestApi::failure);
      // Failures while matching routes (a path parameter that is not valid percent-encoding)
      // skip the failure handlers: vertx-web would answer them in plain text.
      for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
        router.errorHandler(status, ctx -> unmatched(ctx, status));
      }
    }
    return root;
  }

  /**
   * Decodes the query once, up front: a bad percent-encoding found later, by whichever
   * handler first reads a parameter, would surface there as an unexpected failure.
   */
  private static void decodableQuery(RoutingContext ctx) {
    try {
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      ctx.fail(HttpErrors.badPercentEncoding("query"));
      return;
    }
    ctx.next();
  }

  /** No route took the request: 405 with the methods its path takes when it has any, else 404. */
  private static void noRoute(RegisteredRoutes routes, RoutingContext ctx) {
    List<HttpMethod> allowed = routes.methods(RegisteredRoutes.path(ctx));
    if (allowed.isEmpty()) {
      ctx.fail(404);
      return;
    }
    String allow = allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
    ctx.response().putHeader(HttpHeaders.ALLOW, allow);
    ctx.fail(new ApiException(405, "MethodNotAllowed", ctx.request().method() + " is not allowed on "
        + HttpErrors.shortened(ctx.request().path()) + "; it takes " + allow, null));
  }

  private static void authenticate(ApiContext context, RoutingContext ctx) {
    context.authenticator().authenticate(RouteSupport.secret(ctx.request()))
        .onSuccess(principal -> {
          ctx.put(RouteSupport.PRINCIPAL, principal);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** Every failure leaves as the error body of API.md. */
  static void failure(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    if (HttpErrors.isStreamFailure(ctx.statusCode(), ctx.failure())) {
      log.debug("{} {}: the request stream broke: {}", ctx.request().method(), ctx.request().path(),
          ctx.failure().toString());
      answer(ctx, HttpErrors.malformedRequest(ctx.failure()));
      HttpErrors.flushBeforeClose(ctx.request().connection());
      return;
    }
    ApiException error = toApi(ctx, ctx.statusCode(), ctx.failure());
    if (error.status() >= 500 && error.status() != 503) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    answer(ctx, error);
  }

  /** vertx-web's error handler for {@code status}, reached with no failure handler run. */
  private static void unmatched(RoutingContext ctx, int status) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ApiException error;
    if (status == 400) {
      log.debug("{}: the path could not be decoded", ctx.request().method());
      error = HttpErrors.badPercentEncoding("path");
    } else {
      error = toApi(ctx, status, null);
      if (status == 500) {
        log.error("{} {} failed while its route was being matched", ctx.request().method(), ctx.request().path());
      }
    }
    answer(ctx, error);
  }

  private static void answer(RoutingContext ctx, ApiException error) {
    ctx.response().setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(error.body().encode());
  }

  private static ApiException toApi(RoutingContext ctx, int status, Throwable cause) {
    Throwable failure = cause == null ? null : ApiException.from(cause);
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof io.vertx.ext.web.handler.HttpException http) {
      status = http.getStatusCode();
    }
    return switch (status) {
      case 404 -> ApiException.notFound("no such path: " + HttpErrors.shortened(ctx.request().path())
          + "; see /openapi.yaml for the API");
      case 405 -> new ApiException(405, "MethodNotAllowed", ctx.request().method() + " is not allowed on "
          + HttpErrors.shortened(ctx.request().path()), null);
      case 415 -> ApiException.unsupportedMediaType(RequestBodies.SUPPORTED);
      case 413 -> new ApiException(413, "BodyTooLarge", "the body is larger than " + MAX_BODY_BYTES
          + " bytes; split it into several requests", null);
      case 400 -> ApiException.malformed("the request could not be read"
          + (failure == null ? "" : ": " + failure.getMessage()), null);
      default -> ApiException.internal();
    };
  }

  static JsonObject status(String value) {
    return new JsonObject().put("status", value);
  }
}
