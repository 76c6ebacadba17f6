package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A token with an expiry works until then and not after, on every door of every node sharing
 * the database, and its open watches end at the expiry as they do when it is deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenExpiryIT {
  /** Time enough to open two watches and use the token on both nodes before it expires. */
  private static final Duration LIFE = Duration.ofSeconds(4);
  /** Well below the authentication cache (5 s) and the bookmark interval (10 s): neither can be what ends the token. */
  private static final Duration PROMPTLY = Duration.ofMillis(1500);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int POLICY_VIOLATION = 1008;
  private static final String VOLUMES = "/api/v1/namespaces/exp/volumes";

  private TestServer nodeA;
  private TestServer nodeB;
  private Http admin;

  @BeforeAll
  void start() {
    nodeA = TestServer.external("expiry-a");
    nodeB = TestServer.sameDatabaseAs(nodeA, "expiry-b", new JsonObject());
    admin = nodeA.admin();
  }

  @AfterAll
  void stop() {
    nodeB.close();
    nodeA.close();
  }

  /** One round of using the token on both nodes, and whether its watches were still open. */
  private record Seen(Instant answered, int onA, int onB, boolean watchesOpen) {}

  @Test
  void aTokenWorksUntilItsExpiryAndNowhereAfterItsWatchesClosingAtTheExpiry() {
    Instant expiresAt = databaseNow().plus(LIFE);
    JsonObject created = create(admin, new JsonObject().put("role", "readonly").put("expiresAt", expiresAt.toString()));
    assertThat(Instant.parse(created.getString("expiresAt"))).isEqualTo(expiresAt);
    String secret = created.getString("token");
    Http onA = admin.withToken(secret);
    Http onB = new Http(nodeB.baseUrl(), secret);

    try (WatchClient watchA = WatchClient.connect(nodeA, secret, "kinds=volumes");
         WatchClient watchB = WatchClient.connect(nodeB, secret, "kinds=volumes")) {
      for (WatchClient watch : List.of(watchA, watchB)) {
        assertThat(watch.next(WAIT).getString("type")).as("caught up").isEqualTo("BOOKMARK");
      }
      assertThat(bus(nodeB, secret)).as("the event bus takes it before its expiry").isNull();

      // Used all along, so that each node holds it in its authentication cache up to the expiry.
      List<Seen> seen = new ArrayList<>();
      await().atMost(Duration.between(Instant.now(), expiresAt).plus(PROMPTLY)).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            boolean open = !watchA.closedBy(Duration.ZERO) && !watchB.closedBy(Duration.ZERO);
            int statusA = onA.get(VOLUMES).status();
            int statusB = onB.get(VOLUMES).status();
            seen.add(new Seen(Instant.now(), statusA, statusB, open));
            return statusA == 401 && statusB == 401;
          });
      List<Seen> before = seen.stream().filter(s -> s.answered().isBefore(expiresAt)).toList();
      assertThat(before).as("rounds before the expiry").isNotEmpty()
          .allSatisfy(s -> assertThat(s).extracting(Seen::onA, Seen::onB, Seen::watchesOpen).containsExactly(200, 200, true));
      assertThat(seen).filteredOn(s -> s.onA() != 200 || s.onB() != 200)
          .allSatisfy(s -> assertThat(s.answered()).as("refused only after the expiry").isAfterOrEqualTo(expiresAt));

      for (WatchClient watch : List.of(watchA, watchB)) {
        List<JsonObject> frames = watch.until(f -> "ERROR".equals(f.getString("type")),
            Duration.between(Instant.now(), expiresAt.plus(PROMPTLY)));
        JsonObject last = frames.get(frames.size() - 1);
        assertThat(last.getString("code")).isEqualTo("Unauthenticated");
        assertThat(last.getString("message")).contains("expired at " + expiresAt);
        assertThat(watch.awaitClose(PROMPTLY)).isEqualTo(POLICY_VIOLATION);
      }
    }

    for (Http.Response refused : List.of(onA.get(VOLUMES), onB.get(VOLUMES), onB.get("/api/v1/watch?kinds=volumes"))) {
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.errorCode()).isEqualTo("Unauthenticated");
      assertThat(refused.json().getJsonObject("error").getString("message"))
          .isEqualTo("this token expired at " + expiresAt + "; ask an admin for a new one");
    }
    ReplyException viaBus = bus(nodeB, secret);
    assertThat(viaBus.failureCode()).isEqualTo(401);
    assertThat(viaBus.getMessage()).contains("expired at " + expiresAt);
    assertThat(admin.get("/api/v1/tokens").items()).as("kept, and listed with its expiry")
        .anySatisfy(t -> assertThat(((JsonObject) t).getMap()).containsEntry("id", created.getString("id"))
            .containsEntry("expiresAt", expiresAt.toString()));
  }

  @Test
  void expiresInCountsFromTheDatabasesClockAndTheListShowsEveryExpiry() {
    Instant before = databaseNow();
    JsonObject created = create(admin, new JsonObject().put("role", "readwrite").put("expiresIn", "2h"));
    Instant after = databaseNow();
    Instant expiresAt = Instant.parse(created.getString("expiresAt"));
    assertThat(expiresAt).isBetween(before.plus(Duration.ofHours(2)), after.plus(Duration.ofHours(2)));
    JsonObject unlimited = create(admin, new JsonObject().put("role", "readonly").putNull("expiresAt"));
    assertThat(unlimited.containsKey("expiresAt")).isTrue();
    assertThat(unlimited.getValue("expiresAt")).isNull();

    Map<String, JsonObject> listed = new java.util.HashMap<>();
    admin.get("/api/v1/tokens").items().forEach(t -> listed.put(((JsonObject) t).getString("id"), (JsonObject) t));
    assertThat(listed.get(created.getString("id")).getString("expiresAt")).isEqualTo(expiresAt.toString());
    JsonObject listedUnlimited = listed.get(unlimited.getString("id"));
    assertThat(listedUnlimited.containsKey("expiresAt") && listedUnlimited.getValue("expiresAt") == null)
        .as("expiresAt: null, never").isTrue();
    assertThat(admin.withToken(created.getString("token")).get(VOLUMES).status()).isEqualTo(200);
  }

  @Test
  void badExpiriesAreRefusedNamingTheFieldAndStoreNothing() {
    String now = databaseNow().toString();
    Map<Object, String> expiresAt400 = Map.of(12, "a number", "tomorrow", "words", "2030-01-01T00:00:00",
        "no time zone", "2030-13-01T00:00:00Z", "month 13", "x".repeat(5000), "a long text");
    Map<Object, String> expiresIn400 = Map.of(60, "a number", "-5m", "a sign", "1h30m", "a compound",
        "1.5h", "a fraction", "99999999999999999999d", "beyond any duration");
    List<String> expiresAt422 = List.of(now, "2020-01-01T00:00:00Z",
        databaseNow().plus(Duration.ofDays(3653 + 2)).toString(), "+999999999-12-31T23:59:59Z");
    List<String> expiresIn422 = List.of("0s", "3655d");
    int stored = tokenCount();

    expiresAt400.forEach((value, what) -> refused(new JsonObject().put("expiresAt", value), 400, "expiresAt", what));
    expiresIn400.forEach((value, what) -> refused(new JsonObject().put("expiresIn", value), 400, "expiresIn", what));
    expiresAt422.forEach(value -> refused(new JsonObject().put("expiresAt", value), 422, "expiresAt", value));
    expiresIn422.forEach(value -> refused(new JsonObject().put("expiresIn", value), 422, "expiresIn", value));
    Http.Response both = refused(new JsonObject().put("expiresIn", "1h")
        .put("expiresAt", databaseNow().plusSeconds(60).toString()), 400, "expiresIn", "both");
    assertThat(both.json().getJsonObject("error").getString("message")).contains("not both");
    Http.Response past = refused(new JsonObject().put("expiresAt", "2020-01-01T00:00:00Z"), 422, "expiresAt", "past");
    assertThat(past.json().getJsonObject("error").getString("message")).contains("not in the future");

    assertThat(tokenCount()).as("nothing stored").isEqualTo(stored);
  }

  @Test
  void aCreatorThatExpiresCreatesOnlyTokensThatExpireNoLater() {
    JsonObject creator = create(admin, new JsonObject().put("role", "admin").put("expiresIn", "1h"));
    Instant creatorExpiry = Instant.parse(creator.getString("expiresAt"));
    Http expiring = admin.withToken(creator.getString("token"));
    int stored = tokenCount();

    List<JsonObject> tooLong = List.of(new JsonObject(), new JsonObject().put("expiresIn", "2h"),
        new JsonObject().put("expiresAt", creatorExpiry.plusMillis(1).toString()));
    for (JsonObject wanted : tooLong) {
      Http.Response response = expiring.post("/api/v1/tokens", wanted.copy().put("role", "readonly"));
      assertThat(response.status()).as(wanted.encode() + ": " + response).isEqualTo(403);
      assertThat(response.json().getJsonObject("error").getString("message"))
          .contains("'expiresAt' at or before " + creatorExpiry);
    }
    assertThat(tokenCount()).as("nothing stored").isEqualTo(stored);

    JsonObject sameEnd = create(expiring, new JsonObject().put("role", "admin").put("expiresAt", creatorExpiry.toString()));
    assertThat(sameEnd.getString("expiresAt")).isEqualTo(creatorExpiry.toString());
    JsonObject shorter = create(expiring, new JsonObject().put("role", "readonly").put("expiresIn", "30m"));
    assertThat(Instant.parse(shorter.getString("expiresAt"))).isBefore(creatorExpiry);

    // Nor does it manage the tokens that outlive it, as a scoped token does not manage wider ones.
    String firstBootId = nodeA.sqlValue("SELECT id FROM tokens WHERE bootstrap");
    assertThat(expiring.get("/api/v1/tokens").items()).extracting(t -> ((JsonObject) t).getString("id"))
        .contains(sameEnd.getString("id"), shorter.getString("id")).doesNotContain(firstBootId);
    assertThat(expiring.delete("/api/v1/tokens/" + firstBootId).status()).isEqualTo(403);
  }

  private Http.Response refused(JsonObject body, int status, String field, String what) {
    Http.Response response = admin.post("/api/v1/tokens", body.copy().put("role", "readonly"));
    assertThat(response.status()).as(what + ": " + response).isEqualTo(status);
    assertThat(response.errorField()).as(what).isEqualTo(field);
    assertThat(response.json().getJsonObject("error").getString("message").length())
        .as(what + ": the message repeats no more than a prefix").isLessThan(300);
    return response;
  }

  private static JsonObject create(Http as, JsonObject body) {
    Http.Response created = as.post("/api/v1/tokens", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  /** The clock that decides expiry. */
  private Instant databaseNow() {
    return OffsetDateTime.parse(nodeA.sqlValue("SELECT now()")).toInstant();
  }

  private int tokenCount() {
    return Integer.parseInt(nodeA.sqlValue("SELECT count(*) FROM tokens"));
  }

  /** A list on {@code node}'s event bus with {@code secret}: its refusal, or null when it was answered. */
  private static ReplyException bus(TestServer node, String secret) {
    try {
      TestServer.await(node.vertx().eventBus().request("rune.api.volumes.list", new JsonObject().put("namespace", "exp"),
          new DeliveryOptions().addHeader("token", secret)));
      return null;
    } catch (IllegalStateException e) {
      return (ReplyException) e.getCause();
    }
  }
}
