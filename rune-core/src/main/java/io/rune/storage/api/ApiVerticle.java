package io.rune.storage.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The HTTP server of the REST API and the watch stream; one instance per event loop. */
public final class ApiVerticle extends VerticleBase {
  /** Subprotocol a browser offers beside {@code rune.bearer.<token>}; the server echoes it. */
  public static final String WATCH_SUBPROTOCOL = "rune.watch";

  private final ApiContext api;
  private final String host;
  private final int port;
  private HttpServer server;
  private ClientDeadlines deadlines;

  public ApiVerticle(ApiContext api, String host, int port) {
    this.api = api;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    var timeouts = api.config().clientTimeouts();
    deadlines = new ClientDeadlines(vertx, timeouts);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setCompressionSupported(true)
        .setIdleTimeout((int) timeouts.idle().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // With h2c on, a connection only exists once its first request's headers are in: the
        // clients that never finish them would stay out of the deadlines' sight.
        .setHttp2ClearTextEnabled(false)
        // No WebSocket extension: the watch offers none, so a frame with a reserved bit set is
        // a protocol error the frame decoder refuses, instead of passing as ordinary data.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setWebSocketSubProtocols(List.of(WATCH_SUBPROTOCOL)));
    deadlines.start();
    return server
        .connectionHandler(deadlines::connected)
        .invalidRequestHandler(HttpErrors::invalidRequest)
        .requestHandler(deadlines.tracking(RestApi.router(api)))
        .listen();
  }

  /** The port really bound (the configured one, or the one chosen for port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (deadlines != null) {
      deadlines.stop();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }
}
