package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Create, read, update, delete and list of every kind, through real HTTP. */
abstract class ResourceCrudTests extends ApiTestBase {

  @Test
  void seedsTheBuiltInClassesWithLocalAsDefault() {
    JsonObject local = admin.get("/api/v1/storageclasses/local").json();
    JsonObject localHost = admin.get("/api/v1/storageclasses/local-host").json();
    assertThat(local.getString("driver")).isEqualTo("local");
    assertThat(localHost.getString("driver")).isEqualTo("local-host");
    assertThat(localHost.getBoolean("default")).isFalse();
  }

  @Test
  void storageClassLifecycle() {
    JsonObject input = new JsonObject().put("name", "fast-crud").put("driver", "local")
        .put("parameters", new JsonObject().put("tier", "ssd")).put("labels", new JsonObject().put("team", "a"));
    Http.Response created = admin.post("/api/v1/storageclasses", input);
    assertThat(created.status()).isEqualTo(201);
    JsonObject cls = created.json();
    assertThat(cls.getString("uid")).isNotBlank();
    assertThat(cls.getString("reclaimPolicy")).isEqualTo("retain");
    assertThat(cls.getBoolean("default")).isFalse();
    assertThat(cls.containsKey("namespace")).isFalse();

    JsonObject fetched = admin.get("/api/v1/storageclasses/fast-crud").json();
    assertThat(fetched).isEqualTo(cls);

    JsonObject changed = fetched.copy().put("reclaimPolicy", "delete");
    Http.Response updated = admin.put("/api/v1/storageclasses/fast-crud", changed);
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().getString("reclaimPolicy")).isEqualTo("delete");
    assertThat(Long.parseLong(updated.json().getString("resourceVersion")))
        .isGreaterThan(Long.parseLong(cls.getString("resourceVersion")));

    Http.Response stale = admin.put("/api/v1/storageclasses/fast-crud", fetched.copy().put("reclaimPolicy", "retain"));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errorCode()).isEqualTo("Conflict");

    assertThat(admin.get("/api/v1/storageclasses").items().stream()
        .map(o -> ((JsonObject) o).getString("name"))).contains("fast-crud", "local", "local-host");
    assertThat(admin.delete("/api/v1/storageclasses/fast-crud").status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/storageclasses/fast-crud").status()).isEqualTo(404);
  }

  @Test
  void volumeLifecycleWithTheDefaultClassStamped() {
    String ns = newNamespace();
    Http.Response created = createVolume(ns, new JsonObject().put("name", "web-data").put("size", "5Gi"));
    assertThat(created.status()).isEqualTo(201);
    JsonObject volume = created.json();
    assertThat(volume.getString("namespace")).isEqualTo(ns);
    assertThat(volume.getString("storageClassName")).isEqualTo("local");
    assertThat(volume.getString("accessMode")).isEqualTo("ReadWriteOnce");
    assertThat(volume.getString("reclaimPolicy")).isEqualTo("retain");
    assertThat(volume.getJsonObject("status").getString("phase")).as("provisioned by the controller")
        .isEqualTo("Available");

    assertThat(admin.get(volumes(ns) + "/web-data").json()).isEqualTo(volume);

    JsonObject edited = volume.copy().put("labels", new JsonObject().put("app", "web")).put("size", "5Gi")
        .put("status", new JsonObject().put("phase", "Bound"));
    Http.Response updated = admin.put(volumes(ns) + "/web-data", edited);
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().getJsonObject("labels").getString("app")).isEqualTo("web");
    assertThat(updated.json().getJsonObject("status").getString("phase"))
        .as("status is written only by the server").isEqualTo("Available");

    Http.Response unchanged = admin.put(volumes(ns) + "/web-data", updated.json());
    assertThat(unchanged.json().getString("resourceVersion"))
        .as("a PUT that changes nothing writes nothing").isEqualTo(updated.json().getString("resourceVersion"));

    assertThat(admin.get(volumes(ns)).items()).hasSize(1);
    assertThat(admin.get("/api/v1/volumes?labelSelector=app=web").items().stream()
        .map(o -> ((JsonObject) o).getString("namespace"))).contains(ns);
    Http.Response deleting = admin.delete(volumes(ns) + "/web-data");
    assertThat(deleting.status()).isEqualTo(200);
    assertThat(deleting.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(volumes(ns) + "/web-data").status() == 404);
  }

  @Test
  void snapshotLifecycle() {
    String ns = newNamespace();
    createVolume(ns, new JsonObject().put("name", "data").put("size", "1Gi"));
    Http.Response created = admin.post(snapshots(ns), new JsonObject().put("name", "data-1")
        .put("source", new JsonObject().put("volume", "data")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonObject snapshot = created.json();
    assertThat(snapshot.getJsonObject("source").getString("namespace")).isEqualTo(ns);
    assertThat(snapshot.getJsonObject("status").getString("phase")).isEqualTo("Pending");
    JsonObject ready = await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(snapshots(ns) + "/data-1").json(),
        s -> "Ready".equals(s.getJsonObject("status").getString("phase")));
    assertThat(ready.getString("uid")).isEqualTo(snapshot.getString("uid"));
    assertThat(admin.get("/api/v1/snapshots").items().stream()
        .map(o -> ((JsonObject) o).getString("name"))).contains("data-1");
    Http.Response deleting = admin.delete(snapshots(ns) + "/data-1");
    assertThat(deleting.status()).isEqualTo(200);
    assertThat(deleting.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(snapshots(ns) + "/data-1").status() == 404);
  }

  @Test
  void listsPageThroughEveryItemExactlyOnce() {
    String ns = newNamespace();
    JsonArray docs = new JsonArray();
    for (int i = 0; i < 25; i++) {
      docs.add(new JsonObject().put("volume", new JsonObject().put("name", "v-" + i).put("namespace", ns)
          .put("size", "1Mi").put("labels", new JsonObject().put("parity", i % 2 == 0 ? "even" : "odd"))));
    }
    assertThat(admin.send("POST", "/api/v1/apply", docs.encode(), "application/json").status()).isEqualTo(200);

    Set<String> seen = new HashSet<>();
    String next = null;
    int pages = 0;
    do {
      Http.Response page = admin.get(volumes(ns) + "?limit=10" + (next == null ? "" : "&continue=" + next));
      assertThat(page.status()).isEqualTo(200);
      page.items().forEach(o -> assertThat(seen.add(((JsonObject) o).getString("name"))).isTrue());
      next = page.json().getString("continue");
      pages++;
    } while (next != null);
    assertThat(seen).hasSize(25);
    assertThat(pages).isEqualTo(3);
    assertThat(admin.get(volumes(ns) + "?labelSelector=parity=even").items()).hasSize(13);
    assertThat(admin.get(volumes(ns) + "?labelSelector=parity!=even").items()).hasSize(12);
    assertThat(admin.get(volumes(ns) + "?labelSelector=!parity").items()).isEmpty();
  }

  @Test
  void applyCreatesUpdatesAndReportsEachDocument() {
    String ns = newNamespace();
    String yaml = """
        volume:
          name: web-data
          namespace: %1$s
          size: 5Gi
        ---
        snapshot:
          name: web-data-1
          namespace: %1$s
          source: {volume: web-data}
        """.formatted(ns);
    Http.Response first = admin.send("POST", "/api/v1/apply", yaml, "application/yaml");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(actions(first)).containsExactly("created", "created");

    Http.Response again = admin.send("POST", "/api/v1/apply", yaml, "application/yaml");
    assertThat(actions(again)).containsExactly("unchanged", "unchanged");

    Http.Response grown = admin.send("POST", "/api/v1/apply",
        yaml.replace("size: 5Gi", "size: 5Gi\n  labels: {tier: web}"), "application/yaml");
    assertThat(actions(grown)).containsExactly("updated", "unchanged");
  }

  @Test
  void aRefusedDocumentLeavesTheWholeApplyUnapplied() {
    String ns = newNamespace();
    String yaml = """
        volume: {name: good, namespace: %1$s, size: 1Gi}
        ---
        volume: {name: bad, namespace: %1$s, size: 0}
        """.formatted(ns);
    Http.Response refused = assertRefused(422, "Invalid",
        () -> admin.send("POST", "/api/v1/apply", yaml, "application/yaml"));
    assertThat(refused.errorField()).isEqualTo("documents[1].size");
    assertThat(admin.get(volumes(ns) + "/good").status()).isEqualTo(404);
  }

  @Test
  void exactlyOneDefaultAfterConcurrentPromotions() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String name = "race-" + i;
      names.add(name);
      assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", name).put("driver", "local"))
          .status()).isEqualTo(201);
    }
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<CompletableFuture<Http.Response>> promotions = names.stream()
          .map(name -> CompletableFuture.supplyAsync(
              () -> admin.post("/api/v1/storageclasses/" + name + "/set-default", null), pool))
          .toList();
      for (CompletableFuture<Http.Response> promotion : promotions) {
        assertThat(promotion.get().status()).isEqualTo(200);
      }
      long defaults = admin.get("/api/v1/storageclasses").items().stream()
          .filter(o -> ((JsonObject) o).getBoolean("default")).count();
      assertThat(defaults).isEqualTo(1);
    } finally {
      pool.shutdownNow();
      assertThat(admin.post("/api/v1/storageclasses/local/set-default", null).status()).isEqualTo(200);
      names.forEach(name -> admin.delete("/api/v1/storageclasses/" + name));
    }
  }

  @Test
  void creatingADefaultClassDemotesThePreviousOne() {
    try {
      Http.Response created = admin.post("/api/v1/storageclasses",
          new JsonObject().put("name", "new-default").put("driver", "local").put("default", true));
      assertThat(created.status()).isEqualTo(201);
      assertThat(admin.get("/api/v1/storageclasses/local").json().getBoolean("default")).isFalse();
      String ns = newNamespace();
      assertThat(createVolume(ns, new JsonObject().put("name", "v").put("size", "1Gi")).json()
          .getString("storageClassName")).isEqualTo("new-default");
    } finally {
      admin.post("/api/v1/storageclasses/local/set-default", null);
      admin.delete("/api/v1/storageclasses/new-default");
    }
  }

  @Test
  void concurrentWritersOfOneVersionMeetExactlyOneSuccess() throws Exception {
    String ns = newNamespace();
    JsonObject read = createVolume(ns, new JsonObject().put("name", "contended").put("size", "1Gi")).json();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Http.Response>> puts = new ArrayList<>();
      List<CompletableFuture<Http.Response>> creates = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        JsonObject edit = read.copy().put("labels", new JsonObject().put("writer", Integer.toString(i)));
        puts.add(CompletableFuture.supplyAsync(() -> admin.put(volumes(ns) + "/contended", edit), pool));
        creates.add(CompletableFuture.supplyAsync(() -> createVolume(ns,
            new JsonObject().put("name", "same-name").put("size", "1Gi")), pool));
      }
      assertThat(statuses(puts)).containsOnly(200, 409).filteredOn(s -> s == 200).hasSize(1);
      assertThat(statuses(creates)).containsOnly(201, 409).filteredOn(s -> s == 201).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Integer> statuses(List<CompletableFuture<Http.Response>> responses) {
    return responses.stream().map(f -> f.join().status()).toList();
  }

  private static List<String> actions(Http.Response response) {
    return response.json().getJsonArray("results").stream()
        .map(o -> ((JsonObject) o).getString("action")).toList();
  }
}
