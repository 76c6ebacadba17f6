package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * No token creates, sees or deletes a token with more rights than its own (API.md): every
 * creator, every requested role, every requested scope, through the real server; and the
 * token request's own validation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenRightsIT {
  private static final List<String> ROLES = List.of("admin", "readwrite", "readonly");
  private static final List<List<String>> SCOPES = List.of(List.of(), List.of("ns-a"), List.of("ns-b"),
      List.of("ns-a", "ns-b"));

  private TestServer server;
  private Http admin;

  @BeforeAll
  void start() {
    server = TestServer.external("token-rights");
    admin = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** A creator: its name in failure messages, its rights, and a client holding it. */
  private record Creator(String name, String role, List<String> namespaces, Http client) {}

  private List<Creator> creators() {
    List<Creator> creators = new ArrayList<>();
    creators.add(new Creator("admin (unscoped, first boot)", "admin", List.of(), admin));
    for (String role : ROLES) {
      for (List<String> scope : List.<List<String>>of(List.of(), List.of("ns-a"), List.of("ns-a", "ns-b"))) {
        if (role.equals("admin") && scope.isEmpty()) {
          continue; // the first-boot token is that creator
        }
        creators.add(new Creator(role + " " + scope, role, scope, server.client(role, scope.toArray(String[]::new))));
      }
    }
    return creators;
  }

  /** What API.md allows: only admins create tokens, and never beyond their own role or namespaces. */
  private static boolean allowed(Creator creator, String role, List<String> scope) {
    if (!creator.role().equals("admin")) {
      return false;
    }
    if (ROLES.indexOf(role) < ROLES.indexOf(creator.role())) {
      return false;
    }
    if (creator.namespaces().isEmpty()) {
      return true;
    }
    return !scope.isEmpty() && creator.namespaces().containsAll(scope);
  }

  @Test
  void everyCreatorMintsOnlyTokensWithinItsOwnRights() {
    Map<String, String> wrong = new LinkedHashMap<>();
    int cells = 0;
    for (Creator creator : creators()) {
      for (String role : ROLES) {
        for (List<String> scope : SCOPES) {
          cells++;
          String cell = creator.name() + " creates " + role + " " + scope;
          int before = tokenCount();
          Http.Response response = creator.client().post("/api/v1/tokens", new JsonObject().put("role", role)
              .put("namespaces", new JsonArray(new ArrayList<Object>(scope))).put("description", cell));
          boolean expected = allowed(creator, role, scope);
          if (response.status() != (expected ? 201 : 403)) {
            wrong.put(cell, "expected " + (expected ? 201 : 403) + ", got " + response);
            continue;
          }
          if (!expected) {
            assertThat(response.errorCode()).as(cell).isEqualTo("Forbidden");
            assertThat(response.json().getJsonObject("error").getString("message")).as(cell).isNotBlank();
            assertThat(tokenCount()).as(cell + ": nothing stored").isEqualTo(before);
            continue;
          }
          checkMinted(cell, response.json(), role, scope);
        }
      }
    }
    assertThat(cells).isEqualTo(9 * 3 * 4);
    assertThat(wrong).as("cells with the wrong answer").isEmpty();
  }

  /** The new token has exactly the role and namespaces asked for, as listed and as used. */
  private void checkMinted(String cell, JsonObject created, String role, List<String> scope) {
    JsonObject listed = admin.get("/api/v1/tokens").items().stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(created.getString("id"))).findFirst().orElseThrow();
    assertThat(listed.getString("role")).as(cell).isEqualTo(role);
    assertThat(new TreeSet<>(listed.getJsonArray("namespaces").getList())).as(cell).isEqualTo(new TreeSet<>(scope));
    Http minted = admin.withToken(created.getString("token"));
    boolean seesB = scope.isEmpty() || scope.contains("ns-b");
    assertThat(minted.get("/api/v1/namespaces/ns-b/secrets").status()).as(cell + ": reads ns-b")
        .isEqualTo(seesB ? 200 : 403);
    assertThat(minted.get("/api/v1/tokens").status()).as(cell + ": manages tokens")
        .isEqualTo(role.equals("admin") ? 200 : 403);
  }

  @Test
  void aScopedAdminIsToldWhichRightItLacks() {
    Http scoped = server.client("admin", "ns-a");
    Http.Response unscoped = scoped.post("/api/v1/tokens", new JsonObject().put("role", "admin"));
    assertThat(unscoped.status()).isEqualTo(403);
    assertThat(unscoped.json().getJsonObject("error").getString("message")).contains("ns-a").contains("namespaces");
    Http.Response other = scoped.post("/api/v1/tokens", new JsonObject().put("role", "readonly")
        .put("namespaces", new JsonArray().add("ns-a").add("ns-b")));
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().getJsonObject("error").getString("message")).contains("ns-b");
  }

  @Test
  void aScopedAdminListsAndDeletesOnlyTokensWithinItsRights() {
    Http scoped = server.client("admin", "ns-c");
    String own = server.client("readonly", "ns-c").token();
    String mineId = idOf(own);
    String widerId = idOf(server.client("readonly", "ns-c", "ns-d").token());
    String otherId = idOf(server.client("readwrite", "ns-d").token());
    String firstBootId = server.sqlValue("SELECT id FROM tokens WHERE bootstrap");

    Set<String> listed = new TreeSet<>();
    scoped.get("/api/v1/tokens").items().forEach(t -> listed.add(((JsonObject) t).getString("id")));
    assertThat(listed).contains(mineId).doesNotContain(widerId, otherId, firstBootId);
    assertThat(listed).allSatisfy(id -> assertThat(server.sqlValue(
        "SELECT namespaces = '{ns-c}' FROM tokens WHERE id = '" + id + "'")).isEqualTo("true"));

    for (String id : List.of(firstBootId, widerId, otherId)) {
      Http.Response refused = scoped.delete("/api/v1/tokens/" + id);
      assertThat(refused.status()).as(id).isEqualTo(403);
      assertThat(refused.errorCode()).isEqualTo("Forbidden");
      assertThat(server.sqlValue("SELECT count(*) FROM tokens WHERE id = '" + id + "'")).isEqualTo("1");
    }
    assertThat(admin.get("/api/v1/tokens").status()).as("the first-boot token still works").isEqualTo(200);
    assertThat(scoped.delete("/api/v1/tokens/" + mineId).status()).isEqualTo(204);
    assertThat(admin.withToken(own).get("/api/v1/namespaces/ns-c/volumes").status()).isEqualTo(401);
  }

  @Test
  void anEmptyTokenRequestIsAMalformedBody() {
    int before = tokenCount();
    Http.Response empty = admin.send("POST", "/api/v1/tokens", "", "application/json");
    assertThat(empty.status()).as(empty.body()).isEqualTo(400);
    assertThat(empty.errorCode()).isEqualTo("MalformedBody");
    Http.Response none = admin.send("POST", "/api/v1/tokens", null, null);
    assertThat(none.status()).as(none.body()).isEqualTo(400);
    assertThat(tokenCount()).isEqualTo(before);
  }

  @Test
  void aDescriptionTooLongOrWithControlCharactersIsRefusedWithoutEchoingIt() {
    int before = tokenCount();
    String secretish = "s3cr3t-value-" + "x".repeat(300);
    for (String description : List.of(secretish, "backup\u0000job", "line\nbreak", "bell\u0007")) {
      Http.Response refused = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly")
          .put("description", description));
      // A NUL is refused where any body is read (400, no field may hold one); the rest by the token's rules.
      assertThat(refused.status()).as(refused.body()).isEqualTo(description.contains("\u0000") ? 400 : 422);
      assertThat(refused.errorField()).isEqualTo("description");
      assertThat(refused.body()).doesNotContain("x".repeat(40));
    }
    assertThat(tokenCount()).isEqualTo(before);
    String longest = "d".repeat(256);
    Http.Response fits = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly")
        .put("description", longest));
    assertThat(fits.status()).as(fits.body()).isEqualTo(201);
    assertThat(fits.json().getString("description")).isEqualTo(longest);
  }

  private String idOf(String token) {
    return server.sqlValue("SELECT id FROM tokens WHERE token_hash = '" + TokenStore.hash(token) + "'");
  }

  private int tokenCount() {
    return Integer.parseInt(server.sqlValue("SELECT count(*) FROM tokens"));
  }
}
