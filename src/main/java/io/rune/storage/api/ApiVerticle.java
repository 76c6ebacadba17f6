package io.rune.storage.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;

/** The HTTP server of the REST API and the watch stream; one instance per event loop. */
public final class ApiVerticle extends VerticleBase {
  /** Subprotocol a browser offers beside {@code rune.bearer.<token>}; the server echoes it. */
  public static final String WATCH_SUBPROTOCOL = "rune.watch";

  private final ApiContext api;
  private final String host;
  private final int port;
  private HttpServer server;

  public ApiVerticle(ApiContext api, String host, int port) {
    this.api = api;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setCompressionSupported(true)
        .setWebSocketSubProtocols(List.of(WATCH_SUBPROTOCOL)));
    return server.requestHandler(RestApi.router(api)).listen();
  }

  /** The port really bound (the configured one, or the one chosen for port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
