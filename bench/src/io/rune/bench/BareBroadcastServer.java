package io.rune.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The limit of watch fan-out: the least a Vert.x server does to broadcast a frame to many
 * WebSockets. {@code /watch} accepts a socket and sends it a BOOKMARK; {@code POST
 * /broadcast?seq=N&size=S} builds one text frame of S characters carrying seq N (the shape of
 * runed's watch frames) and every verticle instance writes that one String to each of its sockets,
 * on its own event loop. Started as its own JVM with runed's JVM options, the same event loops
 * (the Vert.x default) and HTTP verticle instances (one per core, at most 4).
 */
public final class BareBroadcastServer extends VerticleBase {
  private static final String FRAMES = "bare.frames";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** Only this instance's event loop touches them. */
  private final List<ServerWebSocket> sockets = new ArrayList<>();
  private HttpServer server;

  /** No arguments; prints the port it listens on. */
  public static void main(String[] args) throws Exception {
    // As runed: RuneStorageOptions deploys one HTTP verticle per core, at most 4.
    int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("bare broadcast server: shutdown did not finish cleanly: " + e.getMessage());
      }
    }, "bare-shutdown"));
    CopyOnWriteArrayList<BareBroadcastServer> servers = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> {
          BareBroadcastServer server = new BareBroadcastServer();
          servers.add(server);
          return server;
        }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare broadcast server ready on 127.0.0.1:"
            + servers.get(0).server.actualPort() + " (event loops " + VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE
            + ", instances " + instances + ")"))
        .onFailure(err -> {
          System.err.println("bare broadcast server: could not start: " + err);
          new Thread(() -> System.exit(1)).start();
        });
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
    return vertx.eventBus().<String>localConsumer(FRAMES, message -> broadcast(message.body())).completion()
        .compose(v -> server.webSocketHandler(this::accept).requestHandler(this::handle).listen());
  }

  private void accept(ServerWebSocket socket) {
    sockets.add(socket);
    socket.closeHandler(v -> sockets.remove(socket));
    socket.writeTextMessage("{\"type\":\"BOOKMARK\",\"seq\":0}");
  }

  private void broadcast(String frame) {
    for (ServerWebSocket socket : sockets) {
      socket.writeTextMessage(frame);
    }
  }

  private void handle(HttpServerRequest request) {
    if (!request.path().equals("/broadcast")) {
      request.response().setStatusCode(404).end();
      return;
    }
    long seq = Long.parseLong(request.getParam("seq"));
    int size = Integer.parseInt(request.getParam("size"));
    vertx.eventBus().publish(FRAMES, frame(seq, size), LOCAL);
    request.response().end(Long.toString(seq));
  }

  /** A MODIFIED frame of {@code size} characters (at least the frame without padding). */
  static String frame(long seq, int size) {
    String head = "{\"type\":\"MODIFIED\",\"seq\":" + seq + ",\"kind\":\"Volume\",\"object\":{\"pad\":\"";
    String tail = "\"}}";
    return head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail;
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
