package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Input that a lenient server accepts but reads as something else (YAML aliases, keys given
 * twice, a second YAML document), text PostgreSQL cannot store (NUL), garbage query
 * parameters, and sizes past the limits: each is refused with a 4xx in API.md's error shape,
 * naming what is wrong, storing nothing and logging no ERROR.
 */
class InputStrictnessIT extends ApiTestBase {
  private static final String NUL = "\u0000";

  /** Every ERROR the server logs while these tests run: a refused input is never one. */
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final AppenderBase<ILoggingEvent> errorLog = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        errors.add(event.getLoggerName() + ": " + event.getFormattedMessage());
      }
    }
  };

  @Override
  protected TestServer startServer() {
    errorLog.setContext(root.getLoggerContext());
    errorLog.start();
    root.addAppender(errorLog);
    return TestServer.external("input");
  }

  @AfterAll
  void nothingWasLoggedAsAnError() {
    root.detachAppender(errorLog);
    assertThat(errors).as("ERROR lines logged while refusing input").isEmpty();
  }

  private static String services(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/services";
  }

  private Http.Response yaml(String method, String path, String body) {
    return admin.send(method, path, body, "application/yaml");
  }

  private Http.Response json(String method, String path, String body) {
    return admin.send(method, path, body, "application/json");
  }

  /** Refused with 400 MalformedBody naming {@code field}, and the message says {@code words}. */
  private Http.Response assertMalformed(String field, String words, Supplier<Http.Response> request) {
    Http.Response refused = assertRefused(400, "MalformedBody", request);
    assertThat(refused.errorField()).as(refused.body()).isEqualTo(field);
    assertThat(refused.json().getJsonObject("error").getString("message")).as(refused.body()).contains(words);
    return refused;
  }

  private Http.Response assertInvalid(String code, String field, Supplier<Http.Response> request) {
    Http.Response refused = assertRefused(422, code, request);
    assertThat(refused.errorField()).as(refused.body()).isEqualTo(field);
    return refused;
  }

  @Test
  void aYamlAliasIsRefusedNotStoredAsTheAnchorName() {
    String ns = newNamespace();
    assertMalformed("labels.tier", "YAML aliases", () -> yaml("POST", volumes(ns),
        "name: aliased\nsize: 1Gi\nlabels:\n  app: &anchor web\n  tier: *anchor\n"));
    assertThat(admin.get(volumes(ns) + "/aliased").status()).isEqualTo(404);
  }

  @Test
  void aKeyGivenTwiceIsRefusedInJsonAndYaml() {
    String ns = newNamespace();
    assertMalformed("size", "duplicate key \"size\" at line 1",
        () -> json("POST", volumes(ns), "{\"name\": \"twice\", \"size\": \"1Gi\", \"size\": \"2Gi\"}"));
    assertMalformed("labels.app", "duplicate key \"app\" at line 5 (first at line 4)",
        () -> yaml("POST", volumes(ns), "name: twice\nsize: 1Gi\nlabels:\n  app: a\n  app: b\n"));
    assertThat(admin.get(volumes(ns) + "/twice").status()).isEqualTo(404);
  }

  @Test
  void aSecondYamlDocumentOnAOneObjectEndpointIsRefused() {
    String ns = newNamespace();
    assertMalformed(null, "more than one YAML document (another starts at line 4)",
        () -> yaml("POST", volumes(ns), "name: first\nsize: 1Gi\n---\nname: second\nsize: 1Gi\n"));
    assertThat(admin.get(volumes(ns) + "/first").status()).isEqualTo(404);
    assertThat(admin.get(volumes(ns) + "/second").status()).isEqualTo(404);
    // A trailing "---" holds no document and is fine.
    assertThat(yaml("POST", volumes(ns), "name: only\nsize: 1Gi\n---\n").status()).isEqualTo(201);
  }

  @Test
  void applyRefusesADuplicateKeyInItsSecondDocumentAndStoresNothing() {
    String ns = newNamespace();
    String body = "volume: {name: one, namespace: " + ns + ", size: 1Gi}\n---\n"
        + "volume:\n  name: two\n  namespace: " + ns + "\n  size: 1Gi\n  size: 2Gi\n";
    assertMalformed("documents[1].volume.size", "duplicate key", () -> yaml("POST", "/api/v1/apply", body));
    String array = "[{\"volume\": {\"name\": \"one\", \"namespace\": \"" + ns + "\", \"size\": \"1Gi\"}},"
        + " {\"volume\": {\"name\": \"two\", \"name\": \"three\", \"namespace\": \"" + ns + "\", \"size\": \"1Gi\"}}]";
    assertMalformed("documents[1].volume.name", "duplicate key", () -> json("POST", "/api/v1/apply", array));
    assertThat(admin.get(volumes(ns)).items()).isEmpty();
  }

  @Test
  void nulCharactersAreRefusedWhereverTheyAre() {
    String ns = newNamespace();
    // In the path or the query, the request's form: 400 MalformedRequest naming the parameter.
    assertThat(assertRefused(400, "MalformedRequest", () -> admin.get("/api/v1/namespaces/a%00b/volumes"))
        .errorField()).isEqualTo("namespace");
    assertThat(assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "/a%00b")).errorField())
        .isEqualTo("name");
    assertRefused(400, "MalformedRequest", () -> admin.delete(volumes(ns) + "/a%00b"));
    assertRefused(400, "MalformedRequest", () -> admin.post("/api/v1/namespaces/a%00b/volumes",
        new JsonObject().put("name", "v").put("size", "1Gi")));
    assertThat(assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "?labelSelector=app%3Da%00b"))
        .errorField()).isEqualTo("labelSelector");
    assertMalformed("name", "NUL", () -> admin.post(volumes(ns), new JsonObject().put("name", "a" + NUL + "b")
        .put("size", "1Gi")));
    assertMalformed("labels.app", "NUL", () -> admin.post(volumes(ns), new JsonObject().put("name", "v")
        .put("size", "1Gi").put("labels", new JsonObject().put("app", "we" + NUL + "b"))));
    assertMalformed("labels", "NUL", () -> admin.post(volumes(ns), new JsonObject().put("name", "v")
        .put("size", "1Gi").put("labels", new JsonObject().put("a" + NUL, "web"))));
    assertMalformed("parameters.tier", "NUL", () -> admin.post("/api/v1/storageclasses",
        new JsonObject().put("name", "nul").put("driver", "local").put("parameters",
            new JsonObject().put("tier", "fa" + NUL + "st"))));
    assertMalformed("volumes[0].mountPath", "NUL", () -> admin.post(services(ns), service("/da" + NUL + "ta")));
    assertMalformed("size", "surrogate", () -> json("POST", volumes(ns), "{\"name\": \"v\", \"size\": \"\\ud800\"}"));
  }

  @Test
  void garbageListParametersAreRefused() {
    String ns = newNamespace();
    Http.Response garbage = assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "?continue=garbage"));
    assertThat(garbage.errorField()).isEqualTo("continue");
    assertThat(garbage.json().getJsonObject("error").getString("message")).contains("list again without it");
    assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "?continue=%00"));
    assertRefused(400, "MalformedRequest", () -> admin.get("/api/v1/storageclasses?continue=_w"));
    assertRefused(400, "MalformedRequest", () -> admin.get("/api/v1/volumes?continue=YQBi_w"));
    assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "?limit=99999999999"));
    assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "?limit=-1"));
    assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "?limit=%00"));
    // Past the request line's limit (4096 bytes) the HTTP decoder refuses it first, as 414.
    Http.Response huge = assertRefused(414, "UriTooLong", () -> admin.get(volumes(ns) + "?labelSelector="
        + "a".repeat(5000) + "%3Db"));
    assertThat(huge.body()).as("a refusal echoes a short prefix only").hasSizeLessThan(1000);
  }

  @Test
  void labelsPastTheLimitsAreRefused() {
    String ns = newNamespace();
    JsonObject many = new JsonObject();
    for (int i = 0; i <= 64; i++) {
      many.put("label-" + i, "v");
    }
    Http.Response tooMany = assertInvalid("Invalid", "labels", () -> admin.post(volumes(ns),
        new JsonObject().put("name", "v").put("size", "1Gi").put("labels", many)));
    assertThat(tooMany.json().getJsonObject("error").getString("message")).contains("65 labels", "64");
    String longValue = "v".repeat(60) + "-tail-of-a-long-value";
    Http.Response longOne = assertRefused(422, "Invalid", () -> admin.post(volumes(ns),
        new JsonObject().put("name", "v").put("size", "1Gi").put("labels", new JsonObject().put("app", longValue))));
    assertThat(longOne.errorField()).startsWith("labels");
    assertThat(longOne.body()).as("the value is not echoed whole").doesNotContain("tail-of-a-long-value");
    assertRefused(422, "Invalid", () -> admin.post(volumes(ns), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("labels", new JsonObject().put("example.com/" + "k".repeat(64), "v"))));
    assertRefused(422, "Invalid", () -> admin.post(volumes(ns), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("labels", new JsonObject().put("a".repeat(254) + "/k", "v"))));
    Http.Response topology = assertRefused(422, "Invalid", () -> admin.post("/api/v1/storageclasses",
        new JsonObject().put("name", "zoned").put("driver", "local").put("allowedTopologies", new JsonArray()
            .add(new JsonObject().put("matchLabels", new JsonObject().put("rune.io/zone", longValue))))));
    assertThat(topology.errorField()).startsWith("allowedTopologies[0].matchLabels");
    Http.Response expression = assertRefused(422, "Invalid", () -> admin.post("/api/v1/storageclasses",
        new JsonObject().put("name", "zoned").put("driver", "local").put("allowedTopologies", new JsonArray()
            .add(new JsonObject().put("matchExpressions", new JsonArray().add(new JsonObject()
                .put("key", "rune.io/zone").put("operator", "In").put("values", new JsonArray().add("a b"))))))));
    assertThat(expression.errorField()).startsWith("allowedTopologies[0].matchExpressions[0].values");
    Http.Response longName = assertRefused(422, "Invalid", () -> admin.post(volumes(ns),
        new JsonObject().put("name", "n".repeat(5000)).put("size", "1Gi")));
    assertThat(longName.body()).as("a long name is not echoed whole").hasSizeLessThan(1000);
  }

  @Test
  void parametersPastTheLimitsAreRefused() {
    String ns = newNamespace();
    Http.Response longValue = assertInvalid("Invalid", "parameters.tier", () -> admin.post("/api/v1/storageclasses",
        new JsonObject().put("name", "long").put("driver", "local")
            .put("parameters", new JsonObject().put("tier", "x".repeat(4097)))));
    assertThat(longValue.body()).hasSizeLessThan(1000);
    assertRefused(422, "Invalid", () -> admin.post("/api/v1/storageclasses", new JsonObject().put("name", "long")
        .put("driver", "local").put("parameters", new JsonObject().put("k".repeat(254), "v"))));
    JsonObject many = new JsonObject();
    for (int i = 0; i <= 64; i++) {
      many.put("p" + i, "v");
    }
    assertInvalid("Invalid", "parameters", () -> admin.post(volumes(ns), new JsonObject().put("name", "v")
        .put("size", "1Gi").put("parameters", many)));
    assertInvalid("Invalid", "parameters.tier", () -> admin.post(volumes(ns), new JsonObject().put("name", "v")
        .put("size", "1Gi").put("parameters", new JsonObject().put("tier", "a\nb"))));
  }

  @Test
  void mountPathsWithControlCharactersOrUnderSystemDirectoriesAreBlocked() {
    String ns = newNamespace();
    for (String path : List.of("/data\n/etc", "/data\t", "/usr/local", "/usr", "/root/.ssh", "/dev/sda", "/boot",
        "/bin", "/sbin/x", "/lib", "/lib64/", "/./usr/../dev")) {
      assertInvalid("MountPathBlocked", "volumes[0].mountPath", () -> admin.post(services(ns), service(path)));
    }
  }

  private static JsonObject service(String mountPath) {
    return new JsonObject().put("name", "svc").put("scale", 1).put("volumes", new JsonArray().add(new JsonObject()
        .put("name", "data").put("mountPath", mountPath).put("claimTemplate", new JsonObject().put("size", "1Gi"))));
  }
}
