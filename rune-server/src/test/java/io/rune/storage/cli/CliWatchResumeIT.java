package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** rune watch outlives a server restart: it reconnects after the last change it showed, losing none. */
class CliWatchResumeIT {
  private static final Duration LINE = Duration.ofSeconds(60);
  private final Path home = TestServer.tempDir("cli-resume-home");
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    TestServer.deleteTree(home);
  }

  @Test
  void aWatchResumesAfterARestartWithEveryChangeOnceAndInOrder() throws IOException {
    int port = RunedProcess.freePort();
    server = TestServer.external("cli-resume", new JsonObject()
        .put("server", new JsonObject().put("listen", "127.0.0.1:" + port)));
    Http admin = server.admin();
    RuneProcess rune = RuneProcess.as(home,
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
    try (RuneProcess.Running watch = rune.start("watch", "volumes", "-n", "resume")) {
      watch.awaitLine(line -> line.startsWith("SEQ"), LINE);
      create(admin, "before");
      watch.awaitLine(line -> line.matches("\\d+\\s+MODIFIED\\s+volume/before\\s+Available"), LINE);

      server.restart();
      assertThat(server.port()).isEqualTo(port);
      create(admin, "after");
      watch.awaitLine(line -> line.matches("\\d+\\s+MODIFIED\\s+volume/after\\s+Available"), LINE);
      assertThat(watch.isAlive()).isTrue();

      List<String> rows = watch.seen().stream().skip(1).toList();
      List<Long> seqs = rows.stream().map(row -> Long.parseLong(row.split("\\s+")[0])).toList();
      assertThat(seqs).as("%s", rows).isSorted().doesNotHaveDuplicates();
      assertThat(rows).filteredOn(row -> row.contains("ADDED")).hasSize(2);
    }
  }

  /**
   * The reconnect loop ends: with the server gone for good, rune watch tries again on its
   * back-off (200 ms doubling to 3 s), not in a tight loop, and gives up after
   * {@link WatchFeed#RECONNECT_FOR}, exiting with the reason.
   */
  @Test
  void aWatchWhoseServerStaysDownRetriesOnItsBackOffThenGivesUp() throws IOException {
    int port = RunedProcess.freePort();
    server = TestServer.external("cli-reconnect", new JsonObject()
        .put("server", new JsonObject().put("listen", "127.0.0.1:" + port)));
    // Past the contract proxy: what is measured is the CLI against the server's own port,
    // which the counter below takes over once the server is gone.
    int serverPort = server.directPort();
    RuneProcess rune = RuneProcess.as(home,
        Map.of("RUNE_SERVER", "http://127.0.0.1:" + serverPort, "RUNE_TOKEN", server.adminToken()));
    try (RuneProcess.Running watch = rune.start("watch", "volumes", "-n", "resume")) {
      watch.awaitLine(line -> line.startsWith("SEQ"), LINE);
      server.stop();
      // What stands on the port now counts each attempt and ends it at once, as a dead server would.
      try (ConnectionCounter down = new ConnectionCounter(serverPort)) {
        await().atMost(WatchFeed.RECONNECT_FOR.plusSeconds(30)).until(() -> !watch.isAlive());
        assertThat(watch.exitValue()).isNotZero();
        assertThat(watch.stderr()).contains("reconnecting failed for " + WatchFeed.RECONNECT_FOR.toSeconds() + "s");
        // Attempts at 0, 0.2, 0.6, 1.4, 3 s, then every 3 s up to 30 s: 15 at most (a few may
        // fall before the counter is bound); a loop without back-off would make hundreds.
        List<Long> attempts = down.attempts();
        assertThat(attempts).as("attempts (ms since the first)").hasSizeBetween(5, 15);
        assertThat(down.connections()).as("connections of %s", attempts).isLessThanOrEqualTo(2 * attempts.size());
        for (int i = 1; i < attempts.size(); i++) {
          assertThat(attempts.get(i) - attempts.get(i - 1)).as("back-off before attempt %d", i).isGreaterThanOrEqualTo(190);
        }
      }
    }
  }

  /**
   * Accepts connections on a port, notes when each came and closes it at once. The JDK's
   * client sends a request whose connection closed unanswered once more, so one attempt of
   * the CLI is one or two connections: those less than 100 ms apart count as one.
   */
  private static final class ConnectionCounter implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Long> acceptedAt = new CopyOnWriteArrayList<>();

    ConnectionCounter(int port) throws IOException {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket accepted = socket.accept()) {
            acceptedAt.add(System.nanoTime());
          } catch (IOException e) {
            // closed: the loop ends
          }
        }
      }, "connection-counter");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int connections() {
      return acceptedAt.size();
    }

    /** When each attempt began, in ms after the first. */
    List<Long> attempts() {
      List<Long> attempts = new ArrayList<>();
      long last = Long.MIN_VALUE;
      for (long at : acceptedAt) {
        if (attempts.isEmpty() || at - last >= 100_000_000L) {
          attempts.add((at - acceptedAt.get(0)) / 1_000_000);
        }
        last = at;
      }
      return attempts;
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void create(Http admin, String name) {
    assertThat(admin.post("/api/v1/namespaces/resume/volumes", new JsonObject().put("name", name).put("size", "1Gi"))
        .status()).isEqualTo(201);
  }
}
