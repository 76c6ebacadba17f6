package io.rune.storage.store;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A controller's write carries its lease (shard, holder, epoch) and the database checks it
 * in the write's own statement: under the current lease it passes; once the lease changed
 * hands or expired it is refused as FENCED and changes nothing (object row, change head,
 * change log, notification); a stale version under a good lease is still a CONFLICT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FencedWritesIT {
  private static final int SHARD = 3;

  private Vertx vertx;
  private BoundedPool pool;
  private PgStore store;
  private PgConnection listener;
  private final List<String> notifications = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions options = PgConnectOptions.fromUri(TestPostgres.newDatabaseUrl("fenced"));
    pool = new BoundedPool(vertx, PgBuilder.pool().connectingTo(options).using(vertx).build(), Duration.ofSeconds(10));
    await(Migrations.apply(vertx, pool));
    store = new PgStore(pool);
    listener = await(PgConnection.connect(vertx, options));
    listener.notificationHandler(n -> notifications.add(n.getPayload()));
    await(listener.query("LISTEN " + PgStore.CHANNEL).execute());
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  @Test
  void aWriteUnderTheCurrentLeasePasses() {
    Fence fence = lease("node-a", Duration.ofMinutes(1));
    ApiObject volume = insert("current");
    ApiObject written = await(store.update(withPhase(volume, "Provisioning"), fence));
    assertThat(written.resourceVersion()).isGreaterThan(volume.resourceVersion());
    assertThat(phaseOf("current")).isEqualTo("Provisioning");
    ApiObject removed = await(store.delete(written, fence));
    assertThat(removed.name()).isEqualTo("current");
    assertThat(count("SELECT count(*) FROM objects WHERE name = 'current'")).isZero();
  }

  @Test
  void aWriteAfterAnotherNodeTookTheLeaseIsRefusedAndChangesNothing() {
    Fence stale = lease("node-a", Duration.ofMinutes(1));
    ApiObject volume = insert("taken");
    // node-b takes the shard over (a new epoch) while node-a was paused.
    sql("UPDATE leases SET holder = 'node-b', epoch = epoch + 1, expires_at = now() + interval '1 minute'"
        + " WHERE shard = $1", SHARD);
    assertRefused(volume, stale);
  }

  @Test
  void aWriteAfterTheLeaseExpiredIsRefusedAndChangesNothing() {
    Fence expired = lease("node-a", Duration.ofMinutes(1));
    ApiObject volume = insert("expired");
    sql("UPDATE leases SET expires_at = now() - interval '1 second' WHERE shard = $1", SHARD);
    assertRefused(volume, expired);
  }

  @Test
  void aStaleVersionUnderAGoodLeaseIsStillAConflict() {
    Fence fence = lease("node-a", Duration.ofMinutes(1));
    ApiObject volume = insert("conflict");
    await(store.update(withPhase(volume, "Provisioning"), fence));
    Throwable failure = failureOf(store.update(withPhase(volume, "Available"), fence));
    assertThat(StoreException.is(failure, StoreException.Type.CONFLICT)).as(failure.toString()).isTrue();
    failure = failureOf(store.delete(volume, fence));
    assertThat(StoreException.is(failure, StoreException.Type.CONFLICT)).as(failure.toString()).isTrue();
    assertThat(phaseOf("conflict")).isEqualTo("Provisioning");
  }

  private void assertRefused(ApiObject volume, Fence fence) {
    String head = value("SELECT seq FROM change_head");
    long logRows = count("SELECT count(*) FROM change_log");
    String body = value("SELECT body::text FROM objects WHERE name = '" + volume.name() + "'");
    int heardBefore = notifications.size();

    Throwable updated = failureOf(store.update(withPhase(volume, "Available"), fence));
    assertThat(StoreException.is(updated, StoreException.Type.FENCED)).as(updated.toString()).isTrue();
    assertThat(updated.getMessage()).contains("shard " + SHARD).contains("epoch " + fence.epoch())
        .contains("node-a");
    Throwable deleted = failureOf(store.delete(volume, fence));
    assertThat(StoreException.is(deleted, StoreException.Type.FENCED)).as(deleted.toString()).isTrue();

    assertThat(value("SELECT seq FROM change_head")).as("change head").isEqualTo(head);
    assertThat(count("SELECT count(*) FROM change_log")).as("change-log rows").isEqualTo(logRows);
    assertThat(value("SELECT body::text FROM objects WHERE name = '" + volume.name() + "'")).as("row").isEqualTo(body);
    // No notification: the next one heard is that of a write made after the refused ones.
    ApiObject sentinel = insert(volume.name() + "-after");
    await().atMost(Duration.ofSeconds(10)).until(() -> notifications.size() > heardBefore);
    assertThat(notifications.get(heardBefore)).isEqualTo(Long.toString(sentinel.resourceVersion()));
  }

  /** Gives shard {@value #SHARD} to {@code holder} for {@code duration} at a new epoch; its fence. */
  private Fence lease(String holder, Duration duration) {
    long epoch = await(pool.preparedQuery("UPDATE leases SET holder = $1, epoch = epoch + 1,"
            + " expires_at = now() + $2 * interval '1 millisecond' WHERE shard = $3 RETURNING epoch")
        .execute(Tuple.of(holder, duration.toMillis(), SHARD))).iterator().next().getLong(0);
    return new Fence(SHARD, holder, epoch);
  }

  private ApiObject insert(String name) {
    return await(store.insert(new ApiObject(Kind.VOLUME, "fenced", name, null, 0, null,
        new JsonObject().put("size", "1Gi").put("storageClassName", "local"),
        new JsonObject().put("phase", "Pending"), null, null)));
  }

  private static ApiObject withPhase(ApiObject object, String phase) {
    return object.withStatus(object.status().copy().put("phase", phase));
  }

  private String phaseOf(String name) {
    return value("SELECT status ->> 'phase' FROM objects WHERE name = '" + name + "'");
  }

  private static Throwable failureOf(Future<?> write) {
    return await(write.transform(done -> Future.succeededFuture(done.cause())));
  }

  private void sql(String statement, Object... params) {
    await(pool.preparedQuery(statement).execute(Tuple.from(params)));
  }

  private String value(String query) {
    return String.valueOf(await(pool.query(query).execute()).iterator().next().getValue(0));
  }

  private long count(String query) {
    return Long.parseLong(value(query));
  }
}
