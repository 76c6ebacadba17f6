package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the API contract suites. Each suite runs twice, through subclasses: once on a
 * server with its own embedded PostgreSQL, once on an external database given by URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiTestBase {
  private static final AtomicInteger NAMES = new AtomicInteger();

  protected TestServer server;
  protected Http admin;

  protected abstract TestServer startServer();

  @BeforeAll
  void startTheServer() {
    server = startServer();
    admin = server.admin();
  }

  @AfterAll
  void stopTheServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A namespace of this test's own, so tests sharing a server do not meet. */
  protected static String newNamespace() {
    return "ns-" + NAMES.incrementAndGet();
  }

  protected static String volumes(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/volumes";
  }

  protected static String snapshots(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/snapshots";
  }

  protected Http.Response createVolume(String namespace, JsonObject body) {
    return admin.post(volumes(namespace), body);
  }

  /** The change-log head: it moves with every write, so an unchanged head means nothing was written. */
  protected long headSeq() {
    Http.Response list = admin.get("/api/v1/storageclasses?limit=1");
    assertThat(list.status()).isEqualTo(200);
    return Long.parseLong(list.json().getString("resourceVersion"));
  }

  /** Sends a request that must be refused with {@code status} and {@code code}, changing nothing. */
  protected Http.Response assertRefused(int status, String code, java.util.function.Supplier<Http.Response> request) {
    long before = headSeq();
    Http.Response response = request.get();
    assertThat(response.status()).as("status of %s", response).isEqualTo(status);
    assertThat(response.errorCode()).as("code of %s", response).isEqualTo(code);
    assertThat(response.json().getJsonObject("error").getString("message")).isNotBlank();
    assertThat(headSeq()).as("nothing may be written by a refused request").isEqualTo(before);
    return response;
  }
}
