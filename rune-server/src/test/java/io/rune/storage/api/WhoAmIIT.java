package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GET /api/v1/whoami: the caller's own token, as the token list shows it, and 401 without one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhoAmIIT {
  private static final String WHOAMI = "/api/v1/whoami";

  private TestServer server;
  private Http admin;

  @BeforeAll
  void start() {
    server = TestServer.external("whoami");
    admin = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private JsonObject create(JsonObject request) {
    Http.Response created = admin.post("/api/v1/tokens", request);
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    return created.json();
  }

  private JsonObject whoami(String secret) {
    Http.Response answer = admin.withToken(secret).get(WHOAMI);
    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    return answer.json();
  }

  @Test
  void theFirstBootAdminIsAnAdminOfEveryNamespaceForever() {
    JsonObject me = whoami(server.adminToken());
    assertThat(me.getString("role")).isEqualTo("admin");
    assertThat(me.getJsonArray("namespaces")).isEmpty();
    assertThat(me.containsKey("expiresAt")).isTrue();
    assertThat(me.getValue("expiresAt")).isNull();
    List<String> ids = admin.get("/api/v1/tokens").items().stream().map(t -> ((JsonObject) t).getString("id")).toList();
    assertThat(ids).contains(me.getString("tokenId"));
  }

  @Test
  void aScopedReadonlyTokenSeesItsRoleAndNamespacesSorted() {
    JsonObject created = create(new JsonObject().put("role", "readonly")
        .put("namespaces", new JsonArray().add("team-b").add("team-a")));
    JsonObject me = whoami(created.getString("token"));
    assertThat(me.getString("tokenId")).isEqualTo(created.getString("id"));
    assertThat(me.getString("role")).isEqualTo("readonly");
    assertThat(me.getJsonArray("namespaces")).containsExactly("team-a", "team-b");
    assertThat(me.getValue("expiresAt")).isNull();
  }

  @Test
  void anExpiringTokenSeesItsExpiry() {
    Instant expiresAt = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    JsonObject created = create(new JsonObject().put("role", "readwrite").put("expiresAt", expiresAt.toString()));
    JsonObject me = whoami(created.getString("token"));
    assertThat(me.getString("role")).isEqualTo("readwrite");
    assertThat(Instant.parse(me.getString("expiresAt"))).isEqualTo(expiresAt);
    assertThat(me.getString("expiresAt")).isEqualTo(created.getString("expiresAt"));
  }

  @Test
  void withoutAValidTokenItIs401() {
    for (Http client : List.of(server.anonymous(), admin.withToken("not-a-token"))) {
      Http.Response refused = client.get(WHOAMI);
      assertThat(refused.status()).as("%s", refused).isEqualTo(401);
      assertThat(refused.errorCode()).isEqualTo("Unauthenticated");
    }
  }

  @Test
  void itTakesNoQueryParameter() {
    Http.Response refused = admin.get(WHOAMI + "?verbose=true");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("verbose");
  }
}
