package io.rune.storage.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a free port of 127.0.0.1 to one address, that a test can cut: every
 * connection through it is closed at once and new ones are closed as they come, until it is
 * mended. Put between one in-JVM server and its database, it takes the database away from
 * that server alone, as a process killed with SIGKILL loses it: whatever the server would
 * write on its way down (its NotReady mark, its released leases) never arrives.
 */
public final class TcpRelay implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpRelay(String host, int port) {
    server = vertx.createNetServer().connectHandler(in -> {
      if (cut) {
        in.close();
        return;
      }
      in.pause();
      vertx.createNetClient().connect(port, host).onSuccess(out -> {
        if (cut) { // cut while this one was connecting
          out.close();
          in.close();
          return;
        }
        open.add(in);
        open.add(out);
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.handler(out::write);
        out.handler(in::write);
        in.resume();
      }).onFailure(err -> in.close());
    });
    TestServer.await(server.listen(0, "127.0.0.1"));
  }

  /** A relay to the host and port of a {@code postgresql://} URL. */
  public static TcpRelay toDatabase(String url) {
    URI uri = URI.create(url);
    return new TcpRelay(uri.getHost(), uri.getPort());
  }

  /** {@code url} with the relay's port in place of the database's. */
  public String relayed(String url) {
    URI uri = URI.create(url);
    return url.replaceFirst(":" + uri.getPort() + "/", ":" + server.actualPort() + "/");
  }

  /** Closes every connection through the relay, and each new one as it comes. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
    open.clear();
  }

  /** Lets connections through again. */
  public void mend() {
    cut = false;
  }

  @Override
  public void close() {
    cut();
    TestServer.await(vertx.close());
  }
}
