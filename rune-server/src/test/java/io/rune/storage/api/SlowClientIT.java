package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RawHttp;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Slow clients cannot hold the server's connections: headers and bodies have deadlines
 * ({@code [server] headersTimeout, bodyTimeout}, 2 s here), which a client trickling a byte
 * now and then does not reset, while normal clients and quiet watches carry on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientIT {
  private static final Duration BOUND = Duration.ofSeconds(2);
  /** The sweep runs every half second at these bounds; the rest is a loaded machine's slack. */
  private static final Duration MARGIN = Duration.ofSeconds(6);
  private static final int HALF_SENT = 500;

  private TestServer server;
  private Http admin;

  @BeforeAll
  void start() {
    server = TestServer.external("slowclient", new JsonObject().put("server", new JsonObject()
        .put("headersTimeout", BOUND.toMillis() + "ms").put("bodyTimeout", BOUND.toMillis() + "ms"))
        .put("watch", new JsonObject().put("bookmarkInterval", "500ms")));
    admin = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void halfSentRequestsAreDroppedWhileOthersAreServed() throws IOException {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < HALF_SENT; i++) {
        Socket socket = new Socket("127.0.0.1", server.directPort());
        // Some send nothing, some stop inside the request line, the others inside the headers.
        send(socket, List.of("", "GET /readyz HTT", "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").get(i % 3));
        held.add(socket);
      }
      long lastOpened = System.nanoTime();
      assertThat(admin.get("/readyz").status()).as("a normal client during the attack").isEqualTo(200);
      assertThat(admin.get("/api/v1/storageclasses").status()).isEqualTo(200);

      long deadline = lastOpened + BOUND.plus(MARGIN).toNanos();
      int open = 0;
      for (Socket socket : held) {
        if (!readsEndBy(socket, deadline)) {
          open++;
        }
      }
      assertThat(open).as("half-sent requests still open %s after the last one", BOUND.plus(MARGIN)).isZero();
      assertThat(admin.get("/readyz").status()).isEqualTo(200);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void aClientTricklingItsHeadersIsDroppedAtTheHeadersDeadline() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.directPort())) {
      byte[] request = ("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(200))
          .getBytes(StandardCharsets.ISO_8859_1);
      long start = System.nanoTime();
      long giveUp = start + BOUND.plus(MARGIN).toNanos();
      boolean dropped = false;
      // One byte every 200 ms: never idle for long, never done.
      for (int i = 0; i < request.length && System.nanoTime() < giveUp && !dropped; i++) {
        try {
          socket.getOutputStream().write(request[i]);
          socket.getOutputStream().flush();
        } catch (SocketException e) {
          dropped = true;
          break;
        }
        dropped = readsEndBy(socket, System.nanoTime() + Duration.ofMillis(200).toNanos());
      }
      assertThat(dropped).as("a trickling client dropped").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(BOUND.minusMillis(100))
          .isLessThan(BOUND.plus(MARGIN));
    }
  }

  @Test
  void aBodyThatStopsHalfWayIsAnswered408AndDropped() {
    long start = System.nanoTime();
    RawHttp.Response response = RawHttp.exchange(server.directPort(), "POST /api/v1/namespaces/slow/volumes HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nAuthorization: Bearer " + server.adminToken() + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":\"a");
    assertThat(response.status()).as("answer to a stalled body: %s", response).isEqualTo(408);
    assertThat(response.isErrorShape()).isTrue();
    assertThat(response.errorCode()).isEqualTo("RequestTimeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND.plus(MARGIN));
    assertThat(admin.get("/api/v1/namespaces/slow/volumes").items()).isEmpty();
  }

  @Test
  void aQuietWatchOutlivesTheHeadersDeadline() {
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes")) {
      assertThat(watch.closedBy(BOUND.multipliedBy(3))).as("watch closed by the headers deadline").isFalse();
      assertThat(watch.next(Duration.ofSeconds(5)).getString("type")).isEqualTo("BOOKMARK");
    }
  }

  @Test
  void aKeepAliveClientCanSendSeveralRequestsWithinTheDeadline() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.directPort())) {
      socket.setSoTimeout(10_000);
      for (int i = 0; i < 3; i++) {
        send(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        byte[] answer = new byte[512];
        int n = socket.getInputStream().read(answer);
        assertThat(new String(answer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
      }
    }
  }

  private static void send(Socket socket, String text) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server closes {@code socket} (reading it to the end) before {@code deadline}. */
  private static boolean readsEndBy(Socket socket, long deadline) {
    try {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[1024];
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) left);
        if (in.read(buffer) == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server: closed as well
    }
  }
}
