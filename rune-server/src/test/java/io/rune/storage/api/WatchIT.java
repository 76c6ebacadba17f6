package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The WebSocket watch stream of API.md, through a real socket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private TestServer server;
  private Http admin;

  @BeforeAll
  void start() {
    server = TestServer.external("watch", new JsonObject()
        .put("watch", new JsonObject().put("bookmarkInterval", "300ms")));
    admin = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void replaysFromSinceSeqThenStreamsLiveInOrder() {
    String ns = "w" + NAMES.incrementAndGet();
    long since = head();
    long first = rv(create(ns, "a"));
    long second = rv(create(ns, "b"));
    awaitProvisioned(ns, 2);
    List<Long> logged = loggedSeqs(ns);
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(),
        "kinds=volumes&namespace=" + ns + "&sinceSeq=" + since)) {
      // The creates, and the controller's status writes (Provisioning, Available) between and after them.
      List<JsonObject> replayed = watch.changesThrough(logged.get(logged.size() - 1), WAIT);
      assertThat(replayed).extracting(f -> f.getLong("seq")).containsExactlyElementsOf(logged);
      assertThat(replayed).filteredOn(f -> "ADDED".equals(f.getString("type")))
          .extracting(f -> f.getLong("seq")).containsExactly(first, second);
      assertThat(replayed.get(0).getString("kind")).isEqualTo("Volume");
      assertThat(replayed.get(0).getJsonObject("object").getString("name")).isEqualTo("a");

      JsonObject a = admin.get(volumes(ns) + "/a").json();
      long modified = rv(admin.put(volumes(ns) + "/a", a.put("labels", new JsonObject().put("k", "v"))));
      long deleting = rv(admin.delete(volumes(ns) + "/b"));
      List<JsonObject> live = watch.until(f -> "DELETED".equals(f.getString("type")), WAIT).stream()
          .filter(f -> !"BOOKMARK".equals(f.getString("type"))).toList();
      assertThat(live).extracting(f -> f.getString("type")).containsExactly("MODIFIED", "MODIFIED", "DELETED");
      assertThat(live).extracting(f -> f.getLong("seq")).startsWith(modified, deleting);
      assertThat(live.get(2).getJsonObject("object").getString("name")).isEqualTo("b");
    }
  }

  @Test
  void aWatcherThatResumesSeesEveryChangeExactlyOnce() throws Exception {
    String ns = "w" + NAMES.incrementAndGet();
    long since = head();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 60; i++) {
        rv(create(ns, "v" + i));
      }
    });
    List<Long> seen = new ArrayList<>();
    long resumeFrom = since;
    // Connect, read a few frames, drop the connection, resume from the last seq seen.
    for (int round = 0; round < 4 && !writer.isDone(); round++) {
      try (WatchClient watch = WatchClient.connect(server, server.adminToken(),
          "kinds=volumes&namespace=" + ns + "&sinceSeq=" + resumeFrom)) {
        for (int i = 0; i < 12; i++) {
          JsonObject frame = watch.next(WAIT);
          if ("BOOKMARK".equals(frame.getString("type"))) {
            continue;
          }
          seen.add(frame.getLong("seq"));
          resumeFrom = frame.getLong("seq");
        }
      }
    }
    writer.get();
    awaitProvisioned(ns, 60);
    // Every change of the namespace: the creates and the volume controller's status writes.
    List<Long> logged = loggedSeqs(ns);
    long last = logged.get(logged.size() - 1);
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(),
        "kinds=volumes&namespace=" + ns + "&sinceSeq=" + resumeFrom)) {
      if (resumeFrom < last) {
        watch.changesThrough(last, WAIT).forEach(f -> seen.add(f.getLong("seq")));
      }
    }
    assertThat(seen).as("every change once, in order").containsExactlyElementsOf(logged);
  }

  /** Waits until the volume controller is done with the namespace's volumes. */
  private void awaitProvisioned(String ns, int count) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> server.sqlValue(
        "SELECT count(*) FROM objects WHERE kind = 'Volume' AND namespace = '" + ns + "'"
            + " AND status ->> 'phase' = 'Available'").equals(Integer.toString(count)));
  }

  /** The sequence numbers of every logged change in the namespace, in order. */
  private List<Long> loggedSeqs(String ns) {
    String seqs = server.sqlValue("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM change_log"
        + " WHERE namespace = '" + ns + "'");
    return java.util.Arrays.stream(seqs.split(",")).map(Long::valueOf).toList();
  }

  @Test
  void sendsBookmarksWhenNothingHappens() {
    long now = head();
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=snapshots&namespace=quiet")) {
      JsonObject frame = watch.next(WAIT);
      assertThat(frame.getString("type")).isEqualTo("BOOKMARK");
      assertThat(frame.getLong("seq")).isGreaterThanOrEqualTo(now);
    }
  }

  @Test
  void filtersByTheTokensNamespaces() {
    String mine = "w" + NAMES.incrementAndGet();
    String other = "w" + NAMES.incrementAndGet();
    JsonObject created = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly")
        .put("namespaces", new JsonArray().add(mine))).json();
    long since = head();
    create(other, "hidden");
    long visible = rv(create(mine, "shown"));
    try (WatchClient watch = WatchClient.connect(server, created.getString("token"), "sinceSeq=" + since)) {
      List<JsonObject> frames = watch.changesThrough(visible, WAIT);
      assertThat(frames).extracting(f -> f.getJsonObject("object").getString("namespace")).containsOnly(mine);
    }
    assertThat(admin.withToken(created.getString("token")).get("/api/v1/namespaces/" + other + "/volumes").status())
        .isEqualTo(403);
  }

  @Test
  void browsersAuthenticateWithASubprotocol() {
    long since = head();
    String ns = "w" + NAMES.incrementAndGet();
    long seq = rv(create(ns, "x"));
    try (WatchClient watch = WatchClient.connectWithSubprotocol(server, server.adminToken(),
        "namespace=" + ns + "&sinceSeq=" + since)) {
      assertThat(watch.subprotocol()).isEqualTo("rune.watch");
      assertThat(watch.changesThrough(seq, WAIT)).hasSize(1);
    }
  }

  @Test
  void refusesWatchersWithoutTokenOrWithBadParameters() {
    assertThat(server.anonymous().get("/api/v1/watch").status()).isEqualTo(401);
    assertThat(admin.get("/api/v1/watch?kinds=pods").status()).isEqualTo(400);
    assertThat(admin.get("/api/v1/watch?sinceSeq=abc").status()).isEqualTo(400);
    assertThat(admin.get("/api/v1/watch?sincSeq=5").errorField()).as("a misspelt parameter").isEqualTo("sincSeq");
    assertThat(admin.get("/api/v1/watch").status()).as("not a WebSocket").isEqualTo(400);
  }

  @Test
  void aSequenceAheadOfTheLogIsRefusedRatherThanSkippingChanges() {
    String ns = "w" + NAMES.incrementAndGet();
    long head = head();
    long ahead = head + 3;
    Integer refusedWith = null;
    WatchClient accepted = null;
    try {
      accepted = WatchClient.connect(server, server.adminToken(), "kinds=volumes&namespace=" + ns + "&sinceSeq=" + ahead);
    } catch (java.util.concurrent.CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
      refusedWith = ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
    for (int i = 0; i < 5; i++) {
      create(ns, "v" + i);
    }
    List<Long> logged = loggedSeqs(ns);
    if (accepted != null) {
      // A watch that was let in must not skip the changes between the head and its sinceSeq.
      try (WatchClient watch = accepted) {
        assertThat(watch.changesThrough(logged.get(logged.size() - 1), WAIT)).extracting(f -> f.getLong("seq"))
            .as("changes after seq " + ahead + " with the head at " + head).containsExactlyElementsOf(logged);
      }
    }
    assertThat(refusedWith).as("the upgrade's answer to sinceSeq ahead of the head").isEqualTo(422);

    Http.Response refused = admin.get("/api/v1/watch?sinceSeq=" + (logged.get(logged.size() - 1) + 1000));
    assertThat(refused.status()).as(refused.body()).isEqualTo(422);
    assertThat(refused.errorCode()).isEqualTo("InvalidSequence");
    assertThat(refused.errorField()).isEqualTo("sinceSeq");
    java.util.regex.Matcher latest = java.util.regex.Pattern.compile("the latest sequence is (\\d+); watch from (\\d+)"
        + " or less").matcher(refused.json().getJsonObject("error").getString("message"));
    assertThat(latest.find()).as(refused.body()).isTrue();
    assertThat(Long.parseLong(latest.group(1))).isEqualTo(Long.parseLong(latest.group(2)))
        .isBetween(logged.get(logged.size() - 1), head());
    // The head itself is a valid place to start: everything after it comes.
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(),
        "kinds=volumes&namespace=" + ns + "&sinceSeq=" + head)) {
      assertThat(watch.changesThrough(logged.get(logged.size() - 1), WAIT)).extracting(f -> f.getLong("seq"))
          .containsExactlyElementsOf(logged);
    }
  }

  @Test
  void aCompactedSequenceIsRefusedWithItsOldestRetained() {
    try (TestServer compacting = TestServer.external("compact", new JsonObject().put("store", new JsonObject()
        .put("changeLogRetention", "1ms").put("compactionInterval", "100ms")))) {
      Http client = compacting.admin();
      client.post(volumes("c"), new JsonObject().put("name", "v").put("size", "1Gi"));
      long deadline = System.nanoTime() + WAIT.toNanos();
      JsonObject error = null;
      while (error == null && System.nanoTime() < deadline) {
        try (WatchClient watch = WatchClient.connect(compacting, compacting.adminToken(), "sinceSeq=0")) {
          JsonObject frame = watch.next(WAIT);
          if ("ERROR".equals(frame.getString("type"))) {
            error = frame;
            assertThat(watch.awaitClose(WAIT)).isEqualTo(1000);
          }
        }
      }
      assertThat(error).as("a Compacted error before the deadline").isNotNull();
      assertThat(error.getString("code")).isEqualTo("Compacted");
      assertThat(error.getLong("seq")).isGreaterThan(1);
    }
  }

  @Test
  void aConsumerThatStopsReadingIsClosedAsSlow() {
    try (TestServer small = TestServer.external("slow", new JsonObject()
        .put("watch", new JsonObject().put("maxQueuedEvents", 4)))) {
      Http client = small.admin();
      try (WatchClient watch = WatchClient.connectPaused(small, small.adminToken(), "kinds=volumes")) {
        // Parameters hold at most 4096 characters each: 25 of them pad a frame to ~100 KB.
        JsonObject big = new JsonObject();
        for (int p = 0; p < 25; p++) {
          big.put("pad" + p, "x".repeat(4000));
        }
        // Frames of ~100 KB each until the server gives up on the reader: bounded, about 40 MB at most.
        for (int batch = 0; batch < 45 && !watch.closedBy(Duration.ZERO); batch++) {
          JsonArray docs = new JsonArray();
          for (int i = 0; i < 9; i++) {
            docs.add(new JsonObject().put("volume", new JsonObject().put("name", "b" + batch + "-" + i)
                .put("namespace", "slow").put("size", "1Gi").put("parameters", big)));
          }
          assertThat(client.send("POST", "/api/v1/apply", docs.encode(), "application/json").status()).isEqualTo(200);
        }
        watch.request(Long.MAX_VALUE);
        JsonObject last = watch.until(f -> "ERROR".equals(f.getString("type")), WAIT).stream()
            .reduce((a, b) -> b).orElseThrow();
        assertThat(last.getString("code")).isEqualTo("SlowConsumer");
        assertThat(last.getLong("seq")).isPositive();
      }
    }
  }

  private long head() {
    return Long.parseLong(admin.get("/api/v1/storageclasses?limit=1").json().getString("resourceVersion"));
  }

  private Http.Response create(String ns, String name) {
    Http.Response response = admin.post(volumes(ns), new JsonObject().put("name", name).put("size", "1Gi"));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response;
  }

  private static long rv(Http.Response response) {
    return Long.parseLong(response.json().getString("resourceVersion"));
  }

  private static String volumes(String ns) {
    return "/api/v1/namespaces/" + ns + "/volumes";
  }
}
