package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Field selectors and set-based label selectors on lists, through the real server: Failed
 * volumes come from a class whose driver refuses every volume (test-faulty, INVALID_CONFIG),
 * the others from the local driver.
 */
class ListSelectorsIT {
  private static final String NS = "lists";
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() {
    server = TestServer.external("lists", new JsonObject());
    admin = server.admin();
    Http.Response refusing = admin.post("/api/v1/storageclasses", new JsonObject().put("name", "refuses")
        .put("driver", FaultyDriverProvider.NAME).put("reclaimPolicy", "delete")
        .put("parameters", new JsonObject().put("failFirst", "always").put("failWith", "INVALID_CONFIG")));
    assertThat(refusing.status()).as(refusing.toString()).isEqualTo(201);
    volume(NS, "v-a", "local", Map.of("env", "prod", "tier", "db"));
    volume(NS, "v-b", "local", Map.of("env", "staging"));
    volume(NS, "v-c", "local", Map.of());
    volume(NS, "f-a", "refuses", Map.of("env", "prod"));
    volume(NS, "f-b", "refuses", Map.of("env", "dev"));
    volume(NS, "f-c", "refuses", Map.of("env", "staging"));
    volume("other", "f-x", "refuses", Map.of("env", "prod"));
    await().atMost(Duration.ofSeconds(30)).until(() -> server.sqlValue("SELECT count(*) FROM objects"
        + " WHERE kind = 'Volume' AND status ->> 'phase' IN ('Failed', 'Available')").equals("7"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aFieldSelectorOnThePhaseListsTheFailedVolumesOnly() {
    assertThat(names(NS, "fieldSelector=" + q("status.phase=Failed"))).containsExactly("f-a", "f-b", "f-c");
    assertThat(names(NS, "fieldSelector=" + q("status.phase==Failed"))).containsExactly("f-a", "f-b", "f-c");
    assertThat(names(NS, "fieldSelector=" + q("status.phase!=Failed"))).containsExactly("v-a", "v-b", "v-c");
    assertThat(names(NS, "fieldSelector=" + q("spec.storageClassName=local"))).containsExactly("v-a", "v-b", "v-c");
    assertThat(names(NS, "fieldSelector=" + q("status.ownerService="))).hasSize(6);
    assertThat(names(NS, "fieldSelector=" + q("status.ownerService!="))).isEmpty();
  }

  @Test
  void fieldsAndLabelsCombineAcrossNamespaces() {
    assertThat(names(null, "fieldSelector=" + q("status.phase=Failed,spec.storageClassName=refuses")
        + "&labelSelector=" + q("env in (prod,staging)"))).containsExactly("f-a", "f-c", "f-x");
    assertThat(names(null, "fieldSelector=" + q("status.phase=Failed,metadata.namespace!=" + NS)))
        .containsExactly("f-x");
    assertThat(names(NS, "fieldSelector=" + q("metadata.name=v-b,status.phase=Available"))).containsExactly("v-b");
  }

  @Test
  void aSelectedListPagesWithTheSameContinueTokens() {
    String query = "fieldSelector=" + q("status.phase=Failed") + "&labelSelector=" + q("env notin (dev)");
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Http.Response page = admin.get(volumes(NS) + "?limit=1&" + query + (token == null ? "" : "&continue=" + token));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      page.items().forEach(item -> seen.add(((JsonObject) item).getString("name")));
      token = page.json().getString("continue");
      pages++;
    } while (token != null && pages < 10);
    assertThat(seen).containsExactly("f-a", "f-c");
    assertThat(pages).isEqualTo(2);
  }

  @Test
  void setBasedLabelSelectorsBesideTheOthers() {
    assertThat(names(NS, "labelSelector=" + q("env in (prod,staging)"))).containsExactly("f-a", "f-c", "v-a", "v-b");
    assertThat(names(NS, "labelSelector=" + q("env notin (prod)"))).containsExactly("f-b", "f-c", "v-b", "v-c");
    assertThat(names(NS, "labelSelector=" + q("!env"))).containsExactly("v-c");
    assertThat(names(NS, "labelSelector=" + q("env,tier notin (db),env!=dev"))).containsExactly("f-a", "f-c", "v-b");
    assertThat(names(NS, "labelSelector=" + q("env in (prod),tier"))).containsExactly("v-a");
  }

  @Test
  void aFieldTheKindCannotBeSelectedByIs400NamingTheFieldsItCan() {
    Http.Response refused = admin.get(volumes(NS) + "?fieldSelector=" + q("spec.size=1Gi"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("MalformedRequest");
    assertThat(refused.errorField()).isEqualTo("fieldSelector");
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("\"spec.size\"",
        "metadata.name, metadata.namespace, status.phase, spec.storageClassName, status.node, status.ownerService");

    Http.Response snapshots = admin.get("/api/v1/snapshots?fieldSelector=" + q("spec.storageClassName=local"));
    assertThat(snapshots.status()).isEqualTo(400);
    assertThat(snapshots.json().getJsonObject("error").getString("message")).contains("spec.source.volume");
    Http.Response badSyntax = admin.get(volumes(NS) + "?fieldSelector=" + q("status.phase"));
    assertThat(badSyntax.status()).isEqualTo(400);
    assertThat(badSyntax.errorField()).isEqualTo("fieldSelector");
  }

  @Test
  void snapshotsAreSelectedByTheirVolume() {
    for (String[] snapshot : new String[][] {{"s-a", "v-a"}, {"s-b", "v-b"}, {"s-a2", "v-a"}}) {
      Http.Response created = admin.post("/api/v1/namespaces/" + NS + "/snapshots", new JsonObject()
          .put("name", snapshot[0]).put("source", new JsonObject().put("volume", snapshot[1])));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }
    Http.Response ofA = admin.get("/api/v1/namespaces/" + NS + "/snapshots?fieldSelector=" + q("spec.source.volume=v-a"));
    assertThat(ofA.status()).as(ofA.toString()).isEqualTo(200);
    assertThat(ofA.items().stream().map(item -> ((JsonObject) item).getString("name")).toList())
        .containsExactly("s-a", "s-a2");
  }

  @Test
  void storageClassesAreSelectedByName() {
    Http.Response classes = admin.get("/api/v1/storageclasses?fieldSelector=" + q("metadata.name=refuses"));
    assertThat(classes.status()).isEqualTo(200);
    assertThat(classes.items()).hasSize(1);
    assertThat(classes.items().getJsonObject(0).getString("name")).isEqualTo("refuses");
  }

  private static List<String> names(String namespace, String query) {
    Http.Response list = admin.get((namespace == null ? "/api/v1/volumes" : volumes(namespace)) + "?" + query);
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    list.items().forEach(item -> names.add(((JsonObject) item).getString("name")));
    return names;
  }

  private static String volumes(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/volumes";
  }

  private static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static void volume(String namespace, String name, String storageClass, Map<String, String> labels) {
    Http.Response created = admin.post(volumes(namespace), new JsonObject().put("name", name).put("size", "1Gi")
        .put("storageClassName", storageClass).put("labels", new JsonObject(new java.util.HashMap<String, Object>(labels))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }
}
