package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 400 versus 422 rule for what the path and query carry, and 405 with Allow, through the
 * real server: a request whose form the server cannot read is 400 MalformedRequest naming the
 * parameter, and changes nothing.
 */
class RequestFormIT {
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() {
    server = TestServer.external("form", new JsonObject());
    admin = server.admin();
    Http.Response created = admin.post("/api/v1/namespaces/form/volumes",
        new JsonObject().put("name", "kept").put("size", "1Gi"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anUnknownOrMisspeltQueryParameterIs400NamingIt() {
    assertMalformed(admin.get("/api/v1/namespaces/form/volumes?fieldselector=status.phase%3DFailed"),
        "fieldselector", "takes labelSelector, fieldSelector, limit, continue");
    assertMalformed(admin.get("/api/v1/namespaces/form/volumes/kept?limit=1"), "limit", "takes none");
    assertMalformed(admin.get("/api/v1/nodes?limit=1"), "limit", "takes labelSelector");
    assertMalformed(admin.get("/healthz?verbose=1"), "verbose", "GET /healthz");
    assertMalformed(admin.get("/api/v1/volumes?limit=1&limit=2"), "limit", "given 2 times");
  }

  @Test
  void theTokenParameterIsTakenEverywhere() {
    Http anonymous = admin.withToken(null);
    assertThat(anonymous.get("/api/v1/volumes?token=" + server.adminToken()).status()).isEqualTo(200);
    assertThat(anonymous.get("/api/v1/namespaces/form/volumes/kept?token=" + server.adminToken()).status())
        .isEqualTo(200);
    assertThat(anonymous.get("/api/v1/volumes").status()).isEqualTo(401);
  }

  @Test
  void badValuesOfKnownParametersAre400() {
    assertMalformed(admin.get("/api/v1/volumes?limit=0"), "limit", "between 1 and 1000");
    assertMalformed(admin.get("/api/v1/volumes?limit=1001"), "limit", "between 1 and 1000");
    assertMalformed(admin.get("/api/v1/volumes?limit=ten"), "limit", "whole number");
    assertMalformed(admin.get("/api/v1/volumes?continue=bm90LWEtdG9rZW4"), "continue", "list again without it");
    assertMalformed(admin.get("/api/v1/volumes?labelSelector=env%20in%20(a"), "labelSelector", "not closed");
    assertMalformed(admin.get("/api/v1/watch?sinceSeq=soon"), "sinceSeq", "sequence number");
    assertMalformed(admin.get("/api/v1/watch?kinds=widgets"), "kinds", "unknown kind");
    assertMalformed(admin.post("/api/v1/namespaces/form/volumes/kept/detach?force=maybe", null), "force",
        "true or false");
  }

  @Test
  void cascadeOnAKindWithoutItIs400AndDeletesNothing() {
    assertMalformed(admin.delete("/api/v1/namespaces/form/volumes/kept?cascade=true"), "cascade", "takes dryRun");
    assertThat(admin.get("/api/v1/namespaces/form/volumes/kept").status()).isEqualTo(200);
  }

  @Test
  void aNameInThePathThatIsNotANameIs400() {
    assertMalformed(admin.get("/api/v1/namespaces/a%2Fb/volumes"), "namespace", "not a valid name");
    assertMalformed(admin.get("/api/v1/namespaces/Form/volumes"), "namespace", "uppercase");
    assertMalformed(admin.get("/api/v1/namespaces/form/volumes/Kept"), "name", "uppercase");
    assertMalformed(admin.delete("/api/v1/namespaces/form/volumes/kept_"), "name", "not a valid name");
    assertMalformed(admin.post("/api/v1/namespaces/form/services/web/replicas/first/report",
        new JsonObject().put("phase", "Failed")), "ordinal", "must be a number");
    assertMalformed(admin.delete("/api/v1/tokens/not-a-uuid"), "id", "not a UUID");
    assertMalformed(admin.get("/api/v1/watch?namespace=a_b"), "namespace", "not a valid name");
  }

  @Test
  void aMethodAKnownPathDoesNotTakeIs405WithAllow() {
    assertNotAllowed(admin.put("/api/v1/namespaces/x/snapshots/y", new JsonObject()), "GET, DELETE");
    assertNotAllowed(admin.delete("/api/v1/volumes"), "GET");
    assertNotAllowed(admin.send("PUT", "/api/v1/storageclasses", "{}", "application/json"), "GET, POST");
    assertNotAllowed(admin.post("/healthz", null), "GET");
    assertNotAllowed(admin.delete("/openapi.yaml"), "GET");
    assertNotAllowed(admin.get("/api/v1/apply"), "POST");
    Http.Response item = admin.post("/api/v1/namespaces/form/volumes/kept", new JsonObject());
    assertThat(item.status()).isEqualTo(405);
    assertThat(item.header("Allow")).startsWith("GET, PUT").endsWith("DELETE").doesNotContain("POST");
    Http.Response unknown = admin.delete("/api/v1/widgets");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Allow")).isNull();
    assertThat(admin.get("/api/v1/namespaces/form/volumes/kept/nothing").status()).isEqualTo(404);
  }

  private static void assertMalformed(Http.Response response, String field, String saying) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.errorCode()).as(response.toString()).isEqualTo("MalformedRequest");
    assertThat(response.errorField()).as(response.toString()).isEqualTo(field);
    assertThat(response.json().getJsonObject("error").getString("message")).contains(saying);
  }

  private static void assertNotAllowed(Http.Response response, String allow) {
    assertThat(response.status()).as(response.toString()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo(allow);
    assertThat(response.errorCode()).isEqualTo("MethodNotAllowed");
    assertThat(response.json().getJsonObject("error").getString("message")).contains(allow);
  }
}
