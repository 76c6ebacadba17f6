package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GET .../{name}/changes: an object's history from the change log, newest first, the same
 * changes a watch saw, read with the rights of a GET of the object, and kept after a deletion.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObjectChangesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String MERGE_PATCH = "application/merge-patch+json";

  private TestServer server;
  private Http admin;

  @BeforeAll
  void start() {
    server = TestServer.external("object-changes");
    admin = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String volume(String namespace, String name) {
    return "/api/v1/namespaces/" + namespace + "/volumes/" + name;
  }

  private static List<JsonObject> items(Http.Response answer) {
    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    return answer.items().stream().map(JsonObject.class::cast).toList();
  }

  private long patchLabel(String path, String value) {
    Http.Response patched = admin.send("PATCH", path,
        new JsonObject().put("labels", new JsonObject().put("step", value)).encode(), MERGE_PATCH);
    assertThat(patched.status()).as("%s", patched).isEqualTo(200);
    return Long.parseLong(patched.json().getString("resourceVersion"));
  }

  @Test
  void aVolumesHistoryIsEveryChangeTheWatchSawNewestFirstAndOutlivesIt() {
    String path = volume("hist", "vol-a");
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes&namespace=hist")) {
      assertThat(watch.next(WAIT).getString("type")).as("caught up").isEqualTo("BOOKMARK");
      Http.Response created = admin.post("/api/v1/namespaces/hist/volumes",
          new JsonObject().put("name", "vol-a").put("size", "1Gi"));
      assertThat(created.status()).as("%s", created).isEqualTo(201);
      long added = Long.parseLong(created.json().getString("resourceVersion"));
      await().atMost(WAIT).until(() -> "Available".equals(admin.get(path).json().getJsonObject("status").getString("phase")));
      long first = patchLabel(path, "one");
      long second = patchLabel(path, "two");
      assertThat(admin.delete(path).status()).isEqualTo(200);
      await().atMost(WAIT).until(() -> admin.get(path).status() == 404);

      List<JsonObject> seen = new ArrayList<>();
      for (JsonObject frame : watch.until(f -> "DELETED".equals(f.getString("type")), WAIT)) {
        if (frame.getJsonObject("object") != null && "vol-a".equals(frame.getJsonObject("object").getString("name"))) {
          seen.add(0, frame); // newest first
        }
      }
      List<JsonObject> history = items(admin.get(path + "/changes"));
      assertThat(history).extracting(c -> c.getLong("seq")).as("the watch's changes, newest first")
          .containsExactlyElementsOf(seen.stream().map(f -> f.getLong("seq")).toList())
          .isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(history).extracting(c -> c.getString("type"))
          .containsExactlyElementsOf(seen.stream().map(f -> f.getString("type")).toList());
      assertThat(history.get(0).getString("type")).isEqualTo("DELETED");
      JsonObject oldest = history.get(history.size() - 1);
      assertThat(oldest.getString("type")).isEqualTo("ADDED");
      assertThat(oldest.getLong("seq")).isEqualTo(added);
      for (long[] patch : new long[][] {{first, 1}, {second, 2}}) {
        JsonObject change = history.stream().filter(c -> c.getLong("seq") == patch[0]).findFirst().orElseThrow();
        assertThat(change.getString("type")).isEqualTo("MODIFIED");
        assertThat(change.getJsonObject("object").getJsonObject("labels").getString("step"))
            .isEqualTo(patch[1] == 1 ? "one" : "two");
        assertThat(change.getJsonObject("object").getString("resourceVersion")).isEqualTo(Long.toString(patch[0]));
      }
      assertThat(history).allSatisfy(c -> assertThat(Instant.parse(c.getString("at"))).isBefore(Instant.now()));
      assertThat(history.size()).as("create, two patches, the deletion's two phases and the controller's writes")
          .isGreaterThanOrEqualTo(4);

      List<JsonObject> newest = items(admin.get(path + "/changes?limit=2"));
      assertThat(newest).containsExactlyElementsOf(history.subList(0, 2));
    }
  }

  @Test
  void aLimitOutside1To100IsRefusedNamingIt() {
    for (String limit : List.of("0", "101", "abc", "-1", "")) {
      Http.Response refused = admin.get(volume("hist", "anything") + "/changes?limit=" + limit);
      assertThat(refused.status()).as("limit=%s: %s", limit, refused).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("MalformedRequest");
      assertThat(refused.errorField()).isEqualTo("limit");
    }
    assertThat(items(admin.get(volume("hist", "anything") + "/changes?limit=100"))).isEmpty();
  }

  @Test
  void aTokenScopedElsewhereIsRefusedAndOneScopedHereReads() {
    Http.Response created = admin.post("/api/v1/namespaces/team-a/volumes",
        new JsonObject().put("name", "private").put("size", "1Gi"));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    String path = volume("team-a", "private") + "/changes";

    Http.Response refused = server.client("readonly", "team-b").get(path);
    assertThat(refused.status()).as("%s", refused).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("Forbidden");
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("team-a");

    List<JsonObject> history = items(server.client("readonly", "team-a").get(path));
    assertThat(history).isNotEmpty();
    assertThat(history.get(history.size() - 1).getString("type")).isEqualTo("ADDED");
  }

  @Test
  void aNameNeverUsedHasAnEmptyHistoryOfEveryKind() {
    for (String path : List.of(volume("hist", "never"), "/api/v1/namespaces/hist/snapshots/never",
        "/api/v1/namespaces/hist/services/never", "/api/v1/storageclasses/never")) {
      assertThat(items(admin.get(path + "/changes"))).as(path).isEmpty();
    }
    Http.Response badName = admin.get("/api/v1/namespaces/hist/volumes/NOT_A_NAME/changes");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.errorField()).isEqualTo("name");
  }

  @Test
  void theMigrationIndexesTheLogByObject() {
    assertThat(server.sqlValue("SELECT indexdef FROM pg_indexes WHERE indexname = 'change_log_by_object'"))
        .endsWith("ON public.change_log USING btree (kind, namespace, name, seq)");
  }

  @Test
  void aStorageClassHasAHistoryToo() {
    Http.Response created = admin.post("/api/v1/storageclasses",
        new JsonObject().put("name", "hist-class").put("driver", "local"));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    long added = Long.parseLong(created.json().getString("resourceVersion"));
    long patched = patchLabel("/api/v1/storageclasses/hist-class", "one");

    List<JsonObject> history = items(admin.get("/api/v1/storageclasses/hist-class/changes"));
    assertThat(history).extracting(c -> c.getString("type")).containsExactly("MODIFIED", "ADDED");
    assertThat(history).extracting(c -> c.getLong("seq")).containsExactly(patched, added);
    assertThat(history.get(0).getJsonObject("object").getString("name")).isEqualTo("hist-class");
    assertThat(history.get(0).getJsonObject("object").getJsonObject("labels").getString("step")).isEqualTo("one");
  }
}
