package io.rune.storage.api;

import io.rune.storage.model.Names;
import io.rune.storage.model.UserText;
import io.rune.storage.store.ContinueToken;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.function.Supplier;

/** Small pieces every route uses: the caller, parameters, and answering with JSON. */
final class RouteSupport {
  static final String PRINCIPAL = "rune.principal";
  private static final String WS_PROTOCOL_PREFIX = "rune.bearer.";

  private RouteSupport() {}

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** The bearer secret from the header, the token query parameter or a WebSocket subprotocol. */
  static String secret(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    String query = request.getParam("token");
    if (query != null) {
      return query;
    }
    String protocols = request.getHeader("Sec-WebSocket-Protocol");
    if (protocols != null) {
      for (String protocol : protocols.split(",")) {
        if (protocol.trim().startsWith(WS_PROTOCOL_PREFIX)) {
          return protocol.trim().substring(WS_PROTOCOL_PREFIX.length());
        }
      }
    }
    return null;
  }

  /** A path parameter that is a name (a namespace or an object's name), checked as names are. */
  static String nameParam(RoutingContext ctx, String name) {
    String value = ctx.pathParam(name);
    if (value != null && value.indexOf('\uFFFD') >= 0) {
      // Percent-encoded bytes that are not UTF-8 decode to U+FFFD: the path cannot be read.
      throw HttpErrors.badPercentEncoding("path");
    }
    return Validation.checkRequest(() -> {
      Names.checkName(name, value);
      return value;
    });
  }

  /** A query parameter as text, refused when it holds what no text field may (a NUL). */
  static String textParam(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    String problem = value == null ? null : UserText.unstorable(value);
    if (problem != null) {
      throw ApiException.malformedRequest(name, name + " holds " + problem + ", which no parameter may hold");
    }
    return value;
  }

  /** The continue token of a list (empty is none), checked before any query is built from it. */
  static String continueParam(RoutingContext ctx) {
    String token = ctx.request().getParam("continue");
    if (token == null || token.isEmpty()) {
      return null;
    }
    ContinueToken.decode(token);
    return token;
  }

  static Integer intParam(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null) {
      return null;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw ApiException.malformedRequest(name, name + " must be a whole number, not " + UserText.quote(value));
    }
  }

  /** A true/false query parameter; absent is false. */
  static boolean booleanParam(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw ApiException.malformedRequest(name, name + " must be true or false, not " + UserText.quote(value));
  }

  /** Runs {@code work} and answers 200 with the JSON text it yields. */
  static void respondText(RoutingContext ctx, Supplier<Future<String>> work) {
    Future<String> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    result.onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json))
        .onFailure(ctx::fail);
  }

  /**
   * Runs the write {@code operation} on {@code resources}, or a dry run of it when the request
   * asks for one ({@code ?dryRun=All}, whose answer says so in a header), and answers as
   * {@link #respond}.
   */
  static <T> void write(RoutingContext ctx, int status, Resources resources,
      Function<Resources, Future<T>> operation, Function<T, JsonObject> render) {
    respond(ctx, status, () -> {
      boolean dryRun = DryRun.requested(ctx.request().getParam(DryRun.OPTION));
      if (dryRun) {
        ctx.response().putHeader(DryRun.ANSWER_HEADER, DryRun.ALL);
      }
      return resources.write(dryRun, operation);
    }, render);
  }

  /** Runs {@code work} and answers with its JSON, or hands its failure to the failure handler. */
  static <T> void respond(RoutingContext ctx, int status, Supplier<Future<T>> work, Function<T, JsonObject> render) {
    Future<T> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    result.onSuccess(value -> ctx.response().setStatusCode(status)
            .putHeader("Content-Type", "application/json")
            .end(render.apply(value).encode()))
        .onFailure(ctx::fail);
  }
}
