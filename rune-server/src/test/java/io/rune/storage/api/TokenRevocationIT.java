package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Deleting a token ends what it opened: its watches close with an Unauthenticated frame and
 * WebSocket code 1008 on every node sharing the database, and no node keeps accepting it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenRevocationIT {
  /** Well below both nodes' bookmark interval and the 5 s authentication cache: only the revocation itself is this fast. */
  private static final Duration PROMPTLY = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int POLICY_VIOLATION = 1008;

  private TestServer nodeA;
  private TestServer nodeB;
  private Http adminA;
  private Http adminB;

  @BeforeAll
  void start() {
    // Default bookmark interval (10 s) on both: the periodic re-check cannot be what closes a watch in PROMPTLY.
    nodeA = TestServer.external("revoke-a");
    nodeB = TestServer.sameDatabaseAs(nodeA, "revoke-b", new JsonObject());
    adminA = nodeA.admin();
    adminB = new Http(nodeB.baseUrl(), nodeA.adminToken());
  }

  @AfterAll
  void stop() {
    nodeB.close();
    nodeA.close();
  }

  @Test
  void deletingATokenClosesItsWatchesOnEveryNodeAndOnlyThose() {
    JsonObject doomed = create("readonly");
    String doomedSecret = doomed.getString("token");
    String keptSecret = create("readonly").getString("token");
    try (WatchClient onA = WatchClient.connect(nodeA, doomedSecret, "kinds=volumes");
         WatchClient onB = WatchClient.connect(nodeB, doomedSecret, "kinds=volumes");
         WatchClient kept = WatchClient.connect(nodeA, keptSecret, "kinds=volumes");
         WatchClient keptOnB = WatchClient.connect(nodeB, keptSecret, "kinds=volumes")) {
      for (WatchClient watch : List.of(onA, onB, kept, keptOnB)) {
        assertThat(watch.next(WAIT).getString("type")).as("caught up").isEqualTo("BOOKMARK");
      }
      // Node B has the token in its authentication cache when node A deletes it.
      assertThat(adminB.withToken(doomedSecret).get("/api/v1/namespaces/r/volumes").status()).isEqualTo(200);

      assertThat(adminA.delete("/api/v1/tokens/" + doomed.getString("id")).status()).isEqualTo(204);

      for (WatchClient watch : List.of(onA, onB)) {
        JsonObject last = lastOf(watch.until(f -> "ERROR".equals(f.getString("type")), PROMPTLY));
        assertThat(last.getString("code")).isEqualTo("Unauthenticated");
        assertThat(last.getString("message")).contains("deleted");
        assertThat(watch.awaitClose(PROMPTLY)).isEqualTo(POLICY_VIOLATION);
      }
      await().atMost(PROMPTLY).until(() -> adminB.withToken(doomedSecret).get("/api/v1/namespaces/r/volumes")
          .status() == 401);
      assertThat(adminA.withToken(doomedSecret).get("/api/v1/namespaces/r/volumes").status()).isEqualTo(401);

      long seq = Long.parseLong(adminA.post("/api/v1/namespaces/r/volumes",
          new JsonObject().put("name", "after").put("size", "1Gi")).json().getString("resourceVersion"));
      for (WatchClient watch : List.of(kept, keptOnB)) {
        assertThat(watch.changesThrough(seq, WAIT)).extracting(f -> f.getJsonObject("object").getString("name"))
            .contains("after");
        assertThat(watch.closedBy(Duration.ZERO)).as("another token's watch stays open").isFalse();
      }
    }
  }

  @Test
  void aWatchWhoseTokenVanishedWithoutNoticeClosesAtTheNextCheck() {
    try (TestServer quick = TestServer.external("revoke-quiet", new JsonObject()
        .put("watch", new JsonObject().put("bookmarkInterval", "500ms")))) {
      JsonObject created = quick.admin().post("/api/v1/tokens", new JsonObject().put("role", "readonly")).json();
      try (WatchClient watch = WatchClient.connect(quick, created.getString("token"), "kinds=volumes")) {
        assertThat(watch.next(WAIT).getString("type")).isEqualTo("BOOKMARK");
        // Straight in the database: no notification, as when one is lost.
        quick.sql("DELETE FROM tokens WHERE id = $1", java.util.UUID.fromString(created.getString("id")));
        JsonObject last = lastOf(watch.until(f -> "ERROR".equals(f.getString("type")), WAIT));
        assertThat(last.getString("code")).isEqualTo("Unauthenticated");
        assertThat(watch.awaitClose(WAIT)).isEqualTo(POLICY_VIOLATION);
      }
    }
  }

  private static JsonObject lastOf(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  private JsonObject create(String role) {
    Http.Response created = adminA.post("/api/v1/tokens", new JsonObject().put("role", role));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }
}
