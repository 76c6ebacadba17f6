package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
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
  private static final Set<String> UNSETTLED = Set.of("Pending", "Provisioning");

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

  /**
   * Creates a volume and, when that succeeds, waits until the volume controller has
   * provisioned it (or given up): the answer is the volume as it then is, so that its
   * resourceVersion is current for the test's next write.
   */
  protected Http.Response createVolume(String namespace, JsonObject body) {
    Http.Response created = admin.post(volumes(namespace), body);
    if (created.status() != 201) {
      return created;
    }
    String path = volumes(namespace) + "/" + created.json().getString("name");
    Http.Response settled = await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(path),
        r -> r.status() == 200 && !UNSETTLED.contains(r.json().getJsonObject("status").getString("phase")));
    return new Http.Response(201, settled.body());
  }

  /** Waits until no volume, snapshot or service is waiting for its controller, whose writes move the change log. */
  protected void awaitControllersIdle() {
    await().atMost(Duration.ofSeconds(30)).until(() -> server.sqlValue("SELECT count(*) FROM objects"
        + " WHERE (kind = 'Volume' AND status ->> 'phase' IN ('Pending', 'Provisioning', 'Deleting'))"
        // A snapshot being taken writes its progress and then Ready: a test that counts writes
        // right after taking one must wait for it.
        + " OR (kind = 'Snapshot' AND coalesce(status ->> 'phase', 'Pending') IN ('Pending', 'Creating', 'Deleting'))"
        + " OR (kind = 'Service' AND (status ->> 'phase' = 'Deleting'"
        + " OR coalesce((status ->> 'readyReplicas')::int, 0) <> (spec ->> 'scale')::int))").equals("0"));
  }

  /** The change-log head: it moves with every write, so an unchanged head means nothing was written. */
  protected long headSeq() {
    Http.Response list = admin.get("/api/v1/storageclasses?limit=1");
    assertThat(list.status()).isEqualTo(200);
    return Long.parseLong(list.json().getString("resourceVersion"));
  }

  /** Sends a request that must be refused with {@code status} and {@code code}, changing nothing. */
  protected Http.Response assertRefused(int status, String code, java.util.function.Supplier<Http.Response> request) {
    awaitControllersIdle();
    long before = headSeq();
    Http.Response response = request.get();
    assertThat(response.status()).as("status of %s", response).isEqualTo(status);
    assertThat(response.errorCode()).as("code of %s", response).isEqualTo(code);
    assertThat(response.json().getJsonObject("error").getString("message")).isNotBlank();
    assertThat(headSeq()).as("nothing may be written by a refused request").isEqualTo(before);
    return response;
  }
}
