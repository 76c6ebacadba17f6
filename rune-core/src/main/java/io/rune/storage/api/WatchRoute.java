package io.rune.storage.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** GET /api/v1/watch: checks the request as any other, then upgrades to a WebSocket. */
final class WatchRoute {
  private final ApiContext context;
  private final WatchFanout fanout;

  WatchRoute(ApiContext context) {
    this.context = context;
    this.fanout = new WatchFanout(context.vertx());
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
    // The sequence is checked before the upgrade, so a plain GET (how the CLI asks why) gets the reason too.
    notAhead(watch)
        .compose(v -> "websocket".equalsIgnoreCase(request.getHeader("Upgrade")) ? request.toWebSocket()
            : Future.failedFuture(ApiException.malformedRequest("Upgrade",
                "/watch is a WebSocket: connect with a WebSocket client")))
        .onSuccess(socket -> WebSocketInput.check(socket, request.connection()))
        .onSuccess(socket -> new WatchSession(context.vertx(), context.resources().store(), context.authenticator(),
            socket, watch, context.config().watch().bookmarkInterval(), context.config().watch().maxQueuedEvents(),
            fanout)
            .start())
        .onFailure(ctx::fail);
  }

  /**
   * Refuses a sinceSeq the log has not reached: the watch would skip every change up to it
   * without a word (a client that kept a sequence across a database restore, or made one up).
   * Sequences only grow, so a sinceSeq at or below the head now stays valid.
   */
  private Future<Void> notAhead(WatchRequest watch) {
    if (watch.sinceSeq() == null) {
      return Future.succeededFuture();
    }
    return context.resources().store().bounds().compose(bounds -> {
      if (watch.sinceSeq() <= bounds.latestSeq()) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(ApiException.unprocessable("InvalidSequence", "sinceSeq", "sinceSeq "
          + watch.sinceSeq() + " is ahead of the change log: the latest sequence is " + bounds.latestSeq()
          + "; watch from " + bounds.latestSeq() + " or less"));
    });
  }
}
