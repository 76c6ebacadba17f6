package io.rune.storage.testing.contract;

import io.rune.storage.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP proxy in front of a Rune server that checks every exchange through it against
 * openapi.yaml ({@link ApiContract}) and keeps the violations. Tests hand out its port as the
 * server's, so every client (test HTTP clients, WatchClient, CLI processes) goes through it
 * without knowing; a test that sends malformed HTTP on purpose uses the server's own port.
 *
 * <p>A request is read whole, sent on to the server, its answer read whole, checked, then
 * answered: a violation is recorded before the client sees the answer that caused it. A
 * WebSocket upgrade (the watch) is checked as an exchange, then tunnelled byte for byte.
 * When the server cannot be reached the client's connection is closed, as a stopped server's
 * would be. {@link #stop()} and {@link #listen(int)} follow the server's restarts on the same port.
 */
public final class ContractProxy implements AutoCloseable {
  /** Hop-by-hop headers (RFC 9110 7.6.1) and those the proxy's own client and server write. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "transfer-encoding", "te",
      "upgrade", "proxy-connection", "expect", "content-length", "trailer");

  private static final List<ContractProxy> LIVE = new CopyOnWriteArrayList<>();
  /** Violations of proxies closed before anyone took them (a fixture closed in a tear-down). */
  private static final List<String> LEFT_BY_CLOSED = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static Future<ApiContract> contract;

  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final HttpClient client;
  private HttpServer server;
  private volatile int target;
  private int port;

  private ContractProxy() {
    // Tests may hold many requests open at once (bursts, slow watchers): the pool must not queue them.
    // Bodies are checked as the server meant them: the proxy's client decompresses, its server
    // compresses again for the clients that ask.
    client = shared().createHttpClient(new HttpClientOptions().setDecompressionSupported(true),
        new PoolOptions().setHttp1MaxSize(512));
  }

  /**
   * A proxy on 127.0.0.1:{@code port} in front of the server on 127.0.0.1:{@code target}. Port
   * 0 is a free one from {@link FreePorts}, outside the ephemeral range: the proxy binds it
   * again after each restart of the server, and a port of that range could meanwhile be
   * taken by any outgoing connection.
   */
  public static ContractProxy start(int port, int target) {
    ContractProxy proxy = new ContractProxy();
    proxy.port = port == 0 ? FreePorts.next() : port;
    proxy.listen(target);
    LIVE.add(proxy);
    return proxy;
  }

  /** Listens (again, on the same port once it had one) in front of the server on {@code target}. */
  public void listen(int target) {
    this.target = target;
    if (server == null) {
      server = shared().createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
          // Lines and headers the server itself refuses (414, 431) must reach it to be refused there.
          .setMaxInitialLineLength(64 * 1024).setMaxHeaderSize(64 * 1024)
          // As the server: h2c off, 100-continue answered, compression for those who ask.
          .setHttp2ClearTextEnabled(false).setHandle100ContinueAutomatically(true).setCompressionSupported(true));
      server.requestHandler(this::handle);
      port = await(server.listen()).actualPort();
    }
  }

  /** Stops listening and closes every connection, as the server behind it does when it stops. */
  public void stop() {
    if (server != null) {
      await(server.close());
      server = null;
    }
  }

  public int port() {
    return port;
  }

  /** The violations recorded since the last call, forgotten once returned. */
  public List<String> takeViolations() {
    List<String> taken = List.copyOf(violations);
    violations.removeAll(taken);
    return taken;
  }

  /** The violations recorded by every proxy of this JVM since the last call: for {@link NoContractViolations}. */
  static List<String> takeAllViolations() {
    List<String> left = List.copyOf(LEFT_BY_CLOSED);
    LEFT_BY_CLOSED.removeAll(left);
    return java.util.stream.Stream.concat(left.stream(), LIVE.stream().flatMap(proxy -> proxy.takeViolations().stream()))
        .toList();
  }

  /** Stops for good; violations nobody took are kept for {@link NoContractViolations}. */
  @Override
  public void close() {
    stop();
    LIVE.remove(this);
    LEFT_BY_CLOSED.addAll(takeViolations());
    await(client.close());
  }

  private void handle(HttpServerRequest request) {
    if ("websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      tunnel(request);
      return;
    }
    request.body()
        .compose(body -> send(request, body).compose(answer -> checked(request, body, answer)))
        .onSuccess(answer -> reply(request, answer))
        .onFailure(unreachable -> closeOn(request, unreachable));
  }

  private static void closeOn(HttpServerRequest request, Throwable failure) {
    if (!(failure instanceof java.net.ConnectException)) {
      System.out.println("[contract] proxy failed on " + request.method() + " " + request.uri() + ": " + failure);
    }
    request.connection().close();
  }

  private Future<ApiContract.Answer> send(HttpServerRequest request, Buffer body) {
    return client.request(forwarded(request, false))
        .compose(out -> out.send(body))
        .compose(response -> response.body()
            .map(b -> new ApiContract.Answer(response.statusCode(), response.headers(), b)));
  }

  private void tunnel(HttpServerRequest request) {
    request.pause();
    client.request(forwarded(request, true))
        .compose(out -> {
          // Past the upgrade the request is a tunnel: its end is the connection's, not an error.
          out.exceptionHandler(closed -> {});
          return out.connect();
        })
        .onSuccess(response -> {
          if (response.statusCode() != 101) {
            response.body().map(b -> new ApiContract.Answer(response.statusCode(), response.headers(), b))
                .compose(answer -> checked(request, Buffer.buffer(), answer))
                .onSuccess(answer -> reply(request, answer))
                .onFailure(failed -> closeOn(request, failed));
            return;
          }
          // The server writes frames right after its 101: held until the client's side is a tunnel too.
          NetSocket backend = response.netSocket().pause();
          checked(request, Buffer.buffer(), new ApiContract.Answer(101, response.headers(), Buffer.buffer()))
              .onComplete(checked -> switchProtocols(request, response, backend));
        })
        .onFailure(unreachable -> closeOn(request, unreachable));
  }

  private static void switchProtocols(HttpServerRequest request, HttpClientResponse response, NetSocket backend) {
    response.headers().forEach(header -> request.response().headers().add(header.getKey(), header.getValue()));
    request.toNetSocket().onSuccess(front -> {
      front.pipeTo(backend);
      backend.pipeTo(front);
    }).onFailure(failed -> backend.close());
  }

  private Future<ApiContract.Answer> checked(HttpServerRequest request, Buffer body, ApiContract.Answer answer) {
    return contract().compose(check -> check.check(request, body, answer))
        .map(found -> {
          found.forEach(line -> System.out.println("[contract] violation: " + line));
          violations.addAll(found);
          return answer;
        })
        .recover(failure -> {
          if (contract().failed()) {
            // No contract to check against is a failure of every test, not a pass.
            violations.add(request.method() + " " + request.uri() + ": openapi.yaml could not be loaded: " + failure);
          } else {
            // A request the validator cannot even take apart (a path it cannot decode): the
            // client still gets the server's answer, as it would without the proxy.
            System.out.println("[contract] not checked: " + request.method() + " " + request.uri() + ": " + failure);
          }
          return Future.succeededFuture(answer);
        });
  }

  private RequestOptions forwarded(HttpServerRequest request, boolean upgrade) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    request.headers().forEach(header -> {
      if (upgrade || !NOT_FORWARDED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
        headers.add(header.getKey(), header.getValue());
      }
    });
    return new RequestOptions().setMethod(request.method()).setHost("127.0.0.1").setPort(target)
        .setURI(request.uri()).setHeaders(headers);
  }

  private static void reply(HttpServerRequest request, ApiContract.Answer answer) {
    var response = request.response().setStatusCode(answer.status());
    answer.headers().forEach(header -> {
      String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!NOT_FORWARDED.contains(name) && !name.equals("content-encoding")) {
        response.headers().add(header.getKey(), header.getValue());
      }
    });
    boolean closes = "close".equalsIgnoreCase(answer.headers().get(HttpHeaders.CONNECTION));
    response.end(answer.body()).onComplete(sent -> {
      if (closes) {
        request.connection().close();
      }
    });
  }

  private static synchronized Vertx shared() {
    if (vertx == null) {
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    }
    return vertx;
  }

  private static synchronized Future<ApiContract> contract() {
    if (contract == null) {
      contract = ApiContract.load(shared());
    }
    return contract;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the contract proxy failed: " + e, e);
    }
  }
}
