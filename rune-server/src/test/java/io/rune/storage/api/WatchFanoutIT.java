package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.model.Kind;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Many live watchers with different filters on one server: each gets exactly the changes its
 * filter and its token let through, once each and in order, and watchers given the same change
 * get the same bytes (the frame is encoded once and shared).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchFanoutIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Watchers of each filter: several share an event loop, others sit on another. */
  private static final int COPIES = 4;
  private static final int VOLUMES_PER_NAMESPACE = 6;
  private TestServer server;
  private Http admin;

  /** One row of the change log, as a watcher's filter sees it. */
  private record Logged(long seq, Kind kind, String namespace) {}

  /** A watcher, what it asked for, and which rows of the log it must be shown. */
  private record Watcher(String filter, WatchClient client, Predicate<Logged> shown) {}

  @BeforeAll
  void start() {
    server = TestServer.external("fanout", new JsonObject()
        .put("watch", new JsonObject().put("bookmarkInterval", "300ms")));
    admin = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void everyWatcherGetsExactlyItsChangesAndTheSameBytesForTheSameChange() {
    String readonly = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly")
        .put("namespaces", new JsonArray().add("fa"))).json().getString("token");
    String adminToken = server.adminToken();
    List<Watcher> watchers = new ArrayList<>();
    Map<WatchClient, Long> liveFrom = new HashMap<>();
    try {
      for (int copy = 0; copy < COPIES; copy++) {
        watchers.add(watch(adminToken, "kinds=volumes&namespace=fa",
            c -> c.kind() == Kind.VOLUME && c.namespace().equals("fa")));
        watchers.add(watch(adminToken, "kinds=volumes&namespace=fb",
            c -> c.kind() == Kind.VOLUME && c.namespace().equals("fb")));
        watchers.add(watch(adminToken, "kinds=volumes", c -> c.kind() == Kind.VOLUME));
        watchers.add(watch(adminToken, null, c -> true));
        watchers.add(watch(readonly, null, c -> !c.kind().namespaced() || c.namespace().equals("fa")));
        watchers.add(watch(adminToken, "kinds=snapshots", c -> c.kind() == Kind.SNAPSHOT));
      }
      // Live watchers start with a BOOKMARK at the sequence they start after.
      for (Watcher watcher : watchers) {
        JsonObject first = watcher.client().next(WAIT);
        assertThat(first.getString("type")).as(watcher.filter()).isEqualTo("BOOKMARK");
        liveFrom.put(watcher.client(), first.getLong("seq"));
      }
      for (int i = 0; i < VOLUMES_PER_NAMESPACE; i++) {
        for (String ns : List.of("fa", "fb")) {
          Http.Response created = admin.post("/api/v1/namespaces/" + ns + "/volumes",
              new JsonObject().put("name", "v" + i).put("size", "1Gi"));
          assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
      }
      awaitAvailable(2 * VOLUMES_PER_NAMESPACE);
      long written = Long.parseLong(server.sqlValue("SELECT max(seq) FROM change_log"));

      Map<Long, Set<String>> textsBySeq = new HashMap<>();
      int delivered = 0;
      for (Watcher watcher : watchers) {
        // Everything up to a BOOKMARK at or past the last write: the bookmark's seq is where the
        // watcher stands, every change up to it has been sent before it.
        List<Long> seqs = new ArrayList<>();
        long through;
        while (true) {
          String text = watcher.client().nextText(WAIT);
          JsonObject frame = new JsonObject(text);
          if ("BOOKMARK".equals(frame.getString("type"))) {
            if (frame.getLong("seq") >= written) {
              through = frame.getLong("seq");
              break;
            }
            continue;
          }
          seqs.add(frame.getLong("seq"));
          textsBySeq.computeIfAbsent(frame.getLong("seq"), seq -> new HashSet<>()).add(text);
        }
        List<Long> expected = logged(liveFrom.get(watcher.client()), through).stream()
            .filter(watcher.shown()).map(Logged::seq).toList();
        assertThat(seqs).as("changes seen by the watcher of " + watcher.filter() + ", none lost, none twice")
            .containsExactlyElementsOf(expected);
        delivered += seqs.size();
      }
      assertThat(delivered).as("frames delivered in all").isGreaterThan(COPIES * 4 * VOLUMES_PER_NAMESPACE);
      textsBySeq.forEach((seq, texts) -> assertThat(texts).as("the texts of seq " + seq).hasSize(1));
    } finally {
      watchers.forEach(watcher -> watcher.client().close());
    }
  }

  private Watcher watch(String token, String query, Predicate<Logged> shown) {
    return new Watcher(query == null ? "(everything)" : query, WatchClient.connect(server, token, query), shown);
  }

  /** The change log after {@code after} through {@code through}, in order. */
  private List<Logged> logged(long after, long through) {
    return server.sqlRows("SELECT seq, kind, namespace FROM change_log WHERE seq > $1 AND seq <= $2 ORDER BY seq",
            after, through).stream()
        .map(row -> new Logged(row.getLong("seq"), Kind.fromKindName(row.getString("kind")).orElseThrow(),
            row.getString("namespace")))
        .toList();
  }

  private void awaitAvailable(int count) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> server.sqlValue(
        "SELECT count(*) FROM objects WHERE kind = 'Volume' AND namespace IN ('fa', 'fb')"
            + " AND status ->> 'phase' = 'Available'").equals(Integer.toString(count)));
  }
}
