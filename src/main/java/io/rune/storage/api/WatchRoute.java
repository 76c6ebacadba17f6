package io.rune.storage.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** GET /api/v1/watch: checks the request as any other, then upgrades to a WebSocket. */
final class WatchRoute {
  private final ApiContext context;

  WatchRoute(ApiContext context) {
    this.context = context;
  }

  void mount(Router api, io.vertx.core.Handler<RoutingContext> authenticate) {
    api.get("/watch")
        .handler(ctx -> {
          ctx.request().pause(); // the upgrade must find the request unread after the async token check
          authenticate.handle(ctx);
        })
        .handler(this::watch);
  }

  private void watch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    WatchRequest watch;
    try {
      watch = WatchRequest.parse(request.getParam("kinds"), request.getParam("namespace"),
          request.getParam("sinceSeq"), RouteSupport.principal(ctx));
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      ctx.fail(ApiException.malformed("/watch is a WebSocket: connect with a WebSocket client", null));
      return;
    }
    request.toWebSocket()
        .onSuccess(socket -> WebSocketInput.check(socket, request.connection()))
        .onSuccess(socket -> new WatchSession(context.vertx(), context.resources().store(), socket, watch,
            context.config().watch().bookmarkInterval(), context.config().watch().maxQueuedEvents()).start())
        .onFailure(ctx::fail);
  }
}
