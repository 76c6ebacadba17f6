package io.rune.storage.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.model.ObjectKey;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedCluster;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Volumes of the {@code test-counting} class in a {@link RunedCluster}: made through a
 * node's REST API as a user would, read back in bulk from the shared database (one query
 * instead of hundreds of GETs while nodes are busy).
 */
final class ClusterVolumes implements AutoCloseable {
  static final String CLASS = "counting";

  private final RunedCluster cluster;
  /** Requests in flight at once: several per node, as several clients of each would send. */
  private final ExecutorService clients = Executors.newFixedThreadPool(24);

  ClusterVolumes(RunedCluster cluster) {
    this.cluster = cluster;
  }

  /** The StorageClass every test volume is of: the counting driver, node-local. */
  void createClass(Http http) {
    Http.Response created = http.post("/api/v1/storageclasses", new JsonObject().put("name", CLASS)
        .put("driver", "test-counting").put("reclaimPolicy", "delete"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  /**
   * Creates a volume through {@code http}; returns its uid.
   *
   * @param node the node it must live on (its rune.io/node topology), or null to let placement choose
   * @param provisionDelay how long the driver holds its provision ("2s"), or null
   */
  static String create(Http http, String namespace, String name, String node, String provisionDelay) {
    JsonObject body = new JsonObject().put("name", name).put("storageClassName", CLASS).put("size", "1Gi");
    if (node != null) {
      body.put("topology", new JsonObject().put("rune.io/node", node));
    }
    if (provisionDelay != null) {
      body.put("parameters", new JsonObject().put("provisionDelay", provisionDelay));
    }
    Http.Response created = http.post("/api/v1/namespaces/" + namespace + "/volumes", body);
    assertThat(created.status()).as("POST volume %s/%s through %s: %s", namespace, name, http.base(), created)
        .isEqualTo(201);
    return created.json().getString("uid");
  }

  /** Creates {@code names[i]} through {@code through[i % through.size()]}, all at once; returns name → uid. */
  Map<String, String> createAll(List<Http> through, String namespace, List<String> names) {
    return createAll(through, namespace, names, null);
  }

  /** As {@link #createAll(List, String, List)}, each provision held {@code provisionDelay} ("1s") by the driver. */
  Map<String, String> createAll(List<Http> through, String namespace, List<String> names, String provisionDelay) {
    List<CompletableFuture<String>> uids = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Http http = through.get(i % through.size());
      String name = names.get(i);
      uids.add(CompletableFuture.supplyAsync(() -> create(http, namespace, name, null, provisionDelay), clients));
    }
    Map<String, String> byName = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      byName.put(names.get(i), uids.get(i).join());
    }
    return byName;
  }

  /** Status of every volume of {@code namespace}, by name, from the database. */
  Map<String, JsonObject> statuses(String namespace) {
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    cluster.query("SELECT name, status::text AS status FROM objects WHERE kind = 'Volume' AND namespace = '"
        + namespace + "' ORDER BY name").forEach(row -> byName.put((String) row.get("name"),
            new JsonObject((String) row.get("status"))));
    return byName;
  }

  /** Names of the volumes of {@code namespace} whose status does not satisfy {@code done}. */
  List<String> notYet(String namespace, Predicate<JsonObject> done) {
    return statuses(namespace).entrySet().stream().filter(e -> !done.test(e.getValue()))
        .map(e -> e.getKey() + "=" + e.getValue().getString("phase") + "/" + e.getValue().getString("reason"))
        .toList();
  }

  static boolean available(JsonObject status) {
    return "Available".equals(status.getString("phase"));
  }

  /** The first {@code count} names {@code prefix-N} whose shard is one of {@code shards}. */
  static List<String> namesInShards(String namespace, String prefix, List<Integer> shards, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; names.size() < count; i++) {
      String name = prefix + "-" + i;
      if (shards.contains(Shards.of(new ObjectKey(namespace, name)))) {
        names.add(name);
      }
    }
    return names;
  }

  @Override
  public void close() {
    clients.shutdownNow();
  }
}
