package io.rune.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The limit for a write: how many single-row transactions the database commits per second when
 * each inserts one row (with a volume-sized JSON body) into a scratch table and NOTIFYs, then
 * commits. Same database, same durability settings, same concurrency as the POST run.
 */
final class RawCommitLoad implements AutoCloseable {
  private static final String TABLE = "bench_raw_commit";
  private static final String INSERT = "INSERT INTO " + TABLE + " (name, body) VALUES ($1, $2)";
  private static final String NOTIFY = "SELECT pg_notify('" + TABLE + "', $1)";
  private static final Duration SETUP = Duration.ofSeconds(30);

  private final Pool pool;

  private RawCommitLoad(Pool pool) {
    this.pool = pool;
  }

  /**
   * runed's database, as the role runed works as (the embedded PostgreSQL takes passwords only),
   * caching prepared statements on each connection as runed's pool does: a limit that prepared
   * every statement again would be one runed beats by its own cache alone.
   */
  static PgConnectOptions database(int pgPort, String password) {
    return new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort)
        .setDatabase("rune").setUser("rune").setPassword(password).setCachePreparedStatements(true);
  }

  /** A pool of {@code concurrency} connections (one per client) and the scratch table. */
  static RawCommitLoad open(Vertx vertx, int pgPort, String password, int concurrency) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(concurrency))
        .connectingTo(database(pgPort, password)).using(vertx).build();
    RawCommitLoad load = new RawCommitLoad(pool);
    try {
      Await.result(pool.query("CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, name text NOT NULL,"
          + " body jsonb NOT NULL)").execute(), SETUP, "creating " + TABLE);
    } catch (RuntimeException e) {
      Await.result(pool.close(), SETUP, "closing the raw pool");
      throw e;
    }
    return load;
  }

  /** One transaction: insert a row, notify, commit. */
  Future<?> operation(int worker, long seq) {
    String name = "r" + worker + "-" + seq;
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT).execute(Tuple.of(name, body(name)))
        .compose(inserted -> conn.preparedQuery(NOTIFY).execute(Tuple.of(name))));
  }

  /** Drops the scratch table and closes the pool. */
  @Override
  public void close() {
    try {
      Await.result(pool.query("DROP TABLE " + TABLE).execute(), SETUP, "dropping " + TABLE);
    } finally {
      Await.result(pool.close(), SETUP, "closing the raw pool");
    }
  }

  /** About the size and shape of what runed stores for a volume. */
  private static JsonObject body(String name) {
    return new JsonObject().put("name", name).put("namespace", "bench-raw")
        .put("uid", UUID.randomUUID().toString()).put("labels", new JsonObject())
        .put("spec", new JsonObject().put("storageClassName", "local").put("size", "1Gi")
            .put("accessMode", "ReadWriteOnce").put("reclaimPolicy", "retain").put("parameters", new JsonObject()))
        .put("status", new JsonObject().put("phase", "Pending").put("attempts", 0)
            .put("lastTransitionAt", Instant.now().toString()));
  }
}
