package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.rune.storage.secrets.SecretException;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.LogWatch;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets through every door (REST, /apply, the event bus, the watch stream): values go in,
 * only key names come out. Every answer, frame and event of these tests, and every line the
 * server logs meanwhile, is searched for the values.
 */
class SecretsIT extends ApiTestBase {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TOKEN = "dop_v1_" + UUID.randomUUID().toString().replace("-", "");
  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static final String NEW_TOKEN = "dop_v1_" + UUID.randomUUID().toString().replace("-", "");
  private static final Set<String> VALUES = Set.of(TOKEN, PASSWORD, NEW_TOKEN);

  /** Every body an answer, frame or event of these tests carried. */
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private LogWatch logs;

  @Override
  protected TestServer startServer() {
    logs = LogWatch.start(VALUES);
    return TestServer.external("secrets");
  }

  @AfterAll
  void noValueWasReturnedOrLogged() {
    try {
      assertThat(seen).as("bodies seen").isNotEmpty();
      assertNoValueIn(seen);
      assertThat(logs.events()).as("log events read").isPositive();
      assertThat(logs.sightings()).as("log lines with a secret value").isEmpty();
    } finally {
      logs.close();
    }
  }

  /** The rule every driver gets unless it says otherwise: only an admin's class names secrets. */
  @Test
  void aVolumeOfTheDefaultClassCannotBorrowASecret() {
    String ns = newNamespace();
    Http.Response refused = seen(admin.post("/api/v1/namespaces/" + ns + "/volumes", new JsonObject().put("name", "borrow")
        .put("size", "1Gi").put("parameters", new JsonObject().put("apiTokenSecretRef", "ops/do-token"))));
    assertThat(refused.errorCode()).as("%s", refused).isEqualTo("Invalid");
    assertThat(refused.errorField()).as("%s", refused).isEqualTo("parameters.apiTokenSecretRef");
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("a volume cannot name a secret");
    assertThat(admin.get("/api/v1/namespaces/" + ns + "/volumes/borrow").status()).isEqualTo(404);
  }

  @Test
  void restCreatesReadsListsReplacesAndDeletesShowingKeyNamesOnly() {
    String ns = newNamespace();
    Http.Response created = seen(admin.post(secrets(ns), secret("do-api", Map.of("token", TOKEN, "account.id", PASSWORD))
        .put("labels", new JsonObject().put("app", "do"))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonObject object = created.json();
    assertThat(object.fieldNames()).containsExactlyInAnyOrder("name", "namespace", "uid", "resourceVersion",
        "createdAt", "updatedAt", "labels", "status");
    assertThat(object.getJsonObject("status")).isEqualTo(new JsonObject().put("keys", new JsonArray()
        .add("account.id").add("token")));
    assertThat(object.getJsonObject("labels")).isEqualTo(new JsonObject().put("app", "do"));

    assertThat(seen(admin.get(secrets(ns) + "/do-api")).json()).isEqualTo(object);
    assertThat(seen(admin.get(secrets(ns))).items()).containsExactly(object);
    assertThat(seen(admin.get("/api/v1/secrets")).items()).contains(object);
    assertThat(seen(admin.get(secrets(ns) + "?labelSelector=app=do")).items()).hasSize(1);

    JsonObject edited = object.copy().put("data", new JsonObject().put("token", NEW_TOKEN));
    Http.Response unversioned = seen(admin.put(secrets(ns) + "/do-api", edited.copy().put("resourceVersion", null)));
    assertThat(unversioned.status()).isEqualTo(422);
    assertThat(unversioned.errorField()).isEqualTo("resourceVersion");
    Http.Response replaced = seen(admin.put(secrets(ns) + "/do-api", edited));
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.json().getJsonObject("status").getJsonArray("keys")).containsExactly("token");
    assertThat(Long.parseLong(replaced.json().getString("resourceVersion")))
        .isGreaterThan(Long.parseLong(object.getString("resourceVersion")));
    Http.Response stale = seen(admin.put(secrets(ns) + "/do-api", edited));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errorCode()).isEqualTo("Conflict");
    assertThat(TestServer.await(server.secretValues().value(ns, "do-api", "token"))).isEqualTo(NEW_TOKEN);

    Http.Response deleted = seen(admin.delete(secrets(ns) + "/do-api"));
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(seen(admin.get(secrets(ns) + "/do-api")).status()).isEqualTo(404);
    assertThat(server.sqlValue("SELECT count(*) FROM secret_values WHERE uid = '" + object.getString("uid") + "'"))
        .as("the values go with the secret").isEqualTo("0");
  }

  @Test
  void theWatchStreamAndTheEventBusShowKeyNamesOnly() {
    String ns = newNamespace();
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = server.vertx().eventBus().consumer("rune.events.secrets",
        message -> events.add(message.body()));
    TestServer.await(consumer.completion());
    long since = headSeq();
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(),
        "kinds=secrets&namespace=" + ns + "&sinceSeq=" + since)) {
      JsonObject created = bus("create", new JsonObject().put("namespace", ns)
          .put("object", secret("db", Map.of("password", PASSWORD))), null);
      assertThat(created.getJsonObject("status").getJsonArray("keys")).containsExactly("password");
      assertThat(bus("get", new JsonObject().put("namespace", ns).put("name", "db"), null)).isEqualTo(created);
      assertThat(bus("list", new JsonObject().put("namespace", ns), null).getJsonArray("items"))
          .containsExactly(created);
      JsonObject updated = bus("update", new JsonObject().put("namespace", ns).put("name", "db").put("object",
          created.copy().put("data", new JsonObject().put("password", TOKEN).put("user", "postgres"))), null);
      assertThat(updated.getJsonObject("status").getJsonArray("keys")).containsExactly("password", "user");
      assertThat(TestServer.await(server.secretValues().value(ns, "db", "password"))).isEqualTo(TOKEN);
      bus("delete", new JsonObject().put("namespace", ns).put("name", "db"), null);

      List<JsonObject> frames = watch.until(f -> "DELETED".equals(f.getString("type")), WAIT).stream()
          .filter(f -> !"BOOKMARK".equals(f.getString("type"))).toList();
      frames.forEach(f -> seen.add(f.encode()));
      assertThat(frames).extracting(f -> f.getString("type")).containsExactly("ADDED", "MODIFIED", "DELETED");
      assertThat(frames).allSatisfy(f -> {
        assertThat(f.getString("kind")).isEqualTo("Secret");
        assertThat(f.getJsonObject("object").containsKey("data")).isFalse();
      });
      assertThat(frames.get(1).getJsonObject("object").getJsonObject("status").getJsonArray("keys"))
          .containsExactly("password", "user");
    } finally {
      await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> "DELETED".equals(e.getString("type"))
          && ns.equals(e.getJsonObject("object").getString("namespace"))));
      TestServer.await(consumer.unregister());
    }
    List<JsonObject> mine = events.stream().filter(e -> ns.equals(e.getJsonObject("object").getString("namespace")))
        .toList();
    mine.forEach(e -> seen.add(e.encode()));
    assertThat(mine).extracting(e -> e.getString("type")).containsExactly("ADDED", "MODIFIED", "DELETED");
  }

  @Test
  void applyCreatesUpdatesAndSaysUnchangedOnlyWhenTheValuesAreTheSame() {
    String ns = newNamespace();
    String document = """
        secret:
          name: db
          namespace: %s
          labels: {app: db}
          data:
            password: "%s"
        """;
    assertThat(applyAction(document.formatted(ns, PASSWORD))).isEqualTo("created");
    assertThat(applyAction(document.formatted(ns, PASSWORD))).isEqualTo("unchanged");
    assertThat(applyAction(document.formatted(ns, TOKEN))).isEqualTo("updated");
    assertThat(TestServer.await(server.secretValues().value(ns, "db", "password"))).isEqualTo(TOKEN);
    assertThat(applyAction(document.formatted(ns, TOKEN).replace("app: db", "app: pg"))).isEqualTo("updated");
    assertThat(seen(admin.get(secrets(ns) + "/db")).json().getJsonObject("labels").getString("app")).isEqualTo("pg");

    // All or nothing: a refused document leaves the secret before it unapplied.
    String values = server.sqlValue("SELECT count(*) FROM secret_values");
    Http.Response refused = seen(admin.send("POST", "/api/v1/apply", """
        secret: {name: cache, namespace: %s, data: {password: "%s"}}
        ---
        volume: {name: Bad, namespace: %s, size: 1Gi}
        """.formatted(ns, PASSWORD, ns), "application/yaml"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.errorField()).isEqualTo("documents[1].name");
    assertThat(seen(admin.get(secrets(ns) + "/cache")).status()).isEqualTo(404);
    assertThat(server.sqlValue("SELECT count(*) FROM secret_values")).isEqualTo(values);
  }

  @Test
  void readwriteWritesInItsNamespacesAndReadonlyOnlyReadsKeyNames() {
    String mine = newNamespace();
    String other = newNamespace();
    Http readwrite = server.client("readwrite", mine);
    Http readonly = server.client("readonly", mine);
    JsonObject body = secret("api", Map.of("token", TOKEN));

    Http.Response created = seen(readwrite.post(secrets(mine), body));
    assertThat(created.status()).isEqualTo(201);
    assertThat(seen(readwrite.post(secrets(other), body)).status()).isEqualTo(403);
    assertThat(seen(admin.post(secrets(other), body)).status()).as("admin: any namespace").isEqualTo(201);
    assertThat(seen(readwrite.get(secrets(other) + "/api")).status()).isEqualTo(403);
    assertThat(seen(readwrite.get(secrets(other))).status()).isEqualTo(403);
    assertThat(seen(readwrite.get("/api/v1/secrets")).items()).extracting(o -> ((JsonObject) o).getString("namespace"))
        .containsOnly(mine);
    assertThat(seen(readwrite.delete(secrets(other) + "/api")).status()).isEqualTo(403);

    Http.Response read = seen(readonly.get(secrets(mine) + "/api"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getJsonObject("status").getJsonArray("keys")).containsExactly("token");
    assertThat(seen(readonly.get(secrets(mine))).items()).hasSize(1);
    assertThat(seen(readonly.post(secrets(mine), secret("more", Map.of("token", TOKEN)))).status()).isEqualTo(403);
    JsonObject edit = read.json().put("data", new JsonObject().put("token", NEW_TOKEN));
    assertThat(seen(readonly.put(secrets(mine) + "/api", edit)).status()).isEqualTo(403);
    assertThat(seen(readonly.delete(secrets(mine) + "/api")).status()).isEqualTo(403);
    ReplyException refused = catchThrowableOfType(IllegalStateException.class, () -> bus("update",
        new JsonObject().put("namespace", mine).put("name", "api").put("object", edit), readonly.token()))
        .getCause() instanceof ReplyException r ? r : null;
    assertThat(refused).isNotNull();
    assertThat(refused.failureCode()).isEqualTo(403);

    assertThat(seen(readwrite.put(secrets(mine) + "/api", edit)).status()).isEqualTo(200);
    assertThat(seen(readwrite.delete(secrets(mine) + "/api")).status()).isEqualTo(200);
  }

  @Test
  void badInputNamesTheFieldAndNeverTheValue() {
    String ns = newNamespace();
    refused(422, "Invalid", "data", ns, new JsonObject().put("name", "s"));
    refused(422, "Invalid", "data", ns, new JsonObject().put("name", "s").put("data", new JsonObject()));
    refused(400, "MalformedBody", "data.pin", ns, secret("s", Map.of("token", TOKEN)).put("data",
        new JsonObject().put("token", TOKEN).put("pin", 987654321)));
    refused(400, "MalformedBody", "data.token", ns, new JsonObject().put("name", "s")
        .put("data", new JsonObject().put("token", new JsonObject().put("inner", TOKEN))));
    refused(400, "MalformedBody", "data.token", ns, new JsonObject().put("name", "s")
        .put("data", new JsonObject().put("token", new JsonArray().add(TOKEN))));
    refused(400, "MalformedBody", "data", ns, new JsonObject().put("name", "s").put("data", TOKEN));
    // A value typed where a key belongs (YAML "{token=...}") is not quoted back either.
    refused(422, "Invalid", "data", ns, secret("s", Map.of("token=" + TOKEN, "")));
    refused(422, "Invalid", "data", ns, secret("s", Map.of("..", TOKEN)));
    refused(422, "Invalid", "data.big", ns, secret("s", Map.of("token", TOKEN, "big", "x".repeat(64 * 1024 + 1))));
    refused(400, "MalformedBody", "token", ns, secret("s", Map.of("token", TOKEN)).put("token", TOKEN));
    refused(422, "Invalid", "name", ns, secret("Not_A_Name", Map.of("token", TOKEN)));
    assertThat(refusedBody(400, () -> admin.send("POST", secrets(ns),
        "{\"name\": \"s\", \"data\": {\"token\": " + TOKEN + "}}", "application/json")).getString("message"))
        .contains("not valid JSON").contains("line 1");
    assertThat(refusedBody(400, () -> admin.send("POST", secrets(ns),
        "name: s\ndata: {token=" + TOKEN + ", other: [" + PASSWORD + "\n", "application/yaml")).getString("message"))
        .contains("not valid YAML");
    JsonObject apply = refusedBody(422, () -> admin.send("POST", "/api/v1/apply",
        "secret: {name: s, namespace: " + ns + ", data: {\"token=" + TOKEN + "\": x}}", "application/yaml"));
    assertThat(apply.getString("field")).isEqualTo("documents[0].data");
    assertThat(refusedBody(400, () -> admin.send("POST", "/api/v1/apply",
        "[{\"secret\": {\"name\": \"s\", \"data\": {\"pin\": " + TOKEN.hashCode() + "}}}]", "application/json"))
        .getString("field")).isEqualTo("documents[0].data.pin");
  }

  /** Sends a secret that must be refused, with this status, code and field, changing nothing. */
  private void refused(int status, String code, String field, String ns, JsonObject body) {
    Http.Response response = assertRefused(status, code, () -> seen(admin.post(secrets(ns), body)));
    assertThat(response.errorField()).as("field of %s", response).isEqualTo(field);
    assertThat(response.body().length()).as("an error says what is wrong in a few words").isLessThan(600);
  }

  private JsonObject refusedBody(int status, java.util.function.Supplier<Http.Response> request) {
    Http.Response response = assertRefused(status, status == 400 ? "MalformedBody" : "Invalid", () -> seen(request.get()));
    return response.json().getJsonObject("error");
  }

  private String applyAction(String yaml) {
    Http.Response applied = seen(admin.send("POST", "/api/v1/apply", yaml, "application/yaml"));
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    JsonObject result = applied.json().getJsonArray("results").getJsonObject(0);
    assertThat(result.getString("kind")).isEqualTo("Secret");
    assertThat(result.getJsonObject("object").containsKey("data")).isFalse();
    return result.getString("action");
  }

  /** A request on the event bus; the reply (or the failure's body) counts as seen. */
  private JsonObject bus(String verb, JsonObject body, String token) {
    DeliveryOptions options = new DeliveryOptions();
    if (token != null) {
      options.addHeader("token", token);
    }
    try {
      JsonObject reply = (JsonObject) TestServer.await(server.vertx().eventBus()
          .request("rune.api.secrets." + verb, body, options)).body();
      seen.add(reply.encode());
      return reply;
    } catch (IllegalStateException e) {
      seen.add(String.valueOf(e.getCause().getMessage()));
      throw e;
    }
  }

  private Http.Response seen(Http.Response response) {
    seen.add(response.body());
    return response;
  }

  private static void assertNoValueIn(Collection<String> texts) {
    List<String> leaks = new ArrayList<>();
    for (String text : texts) {
      VALUES.stream().filter(text::contains).forEach(v -> leaks.add(text));
    }
    assertThat(leaks).as("texts holding a secret value").isEmpty();
  }

  private static String secrets(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/secrets";
  }

  private static JsonObject secret(String name, Map<String, String> data) {
    return new JsonObject().put("name", name).put("data", new JsonObject(new java.util.LinkedHashMap<>(data)));
  }

  /** Reads that must fail say which secret and key, and hold no value. */
  @Test
  void theReaderSaysWhichSecretOrKeyIsMissing() {
    String ns = newNamespace();
    assertThat(seen(admin.post(secrets(ns), secret("do", Map.of("token", TOKEN)))).status()).isEqualTo(201);
    SecretException missing = readFailure(ns, "nope", "token");
    assertThat(missing).isInstanceOf(SecretException.SecretNotFound.class)
        .hasMessage("Secret 'nope' does not exist in namespace '" + ns + "'");
    assertThat(missing.ref().toString()).isEqualTo(ns + "/nope:token");
    SecretException noKey = readFailure(ns, "do", "password");
    assertThat(noKey).isInstanceOf(SecretException.KeyNotFound.class)
        .hasMessage("Secret " + ns + "/do has no key 'password'; its keys are [token]");
    assertThat(((SecretException.KeyNotFound) noKey).keys()).containsExactly("token");
    seen.add(missing.getMessage());
    seen.add(noKey.getMessage());
  }

  private SecretException readFailure(String ns, String name, String key) {
    Throwable failure = catchThrowableOfType(IllegalStateException.class,
        () -> TestServer.await(server.secretValues().value(ns, name, key))).getCause();
    assertThat(failure).isInstanceOf(SecretException.class);
    return (SecretException) failure;
  }
}
