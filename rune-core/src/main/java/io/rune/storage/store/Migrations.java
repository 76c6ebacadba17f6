package io.rune.storage.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL migrations under rune/db/migration (a resource path of its own, not Flyway's default) in order, each in its own
 * transaction together with the row that records it, so a crash leaves a migration either
 * wholly applied and recorded or not at all. Several nodes booting at once are serialised
 * by an advisory lock; the second one finds nothing to do.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** In order. Add new files at the end; never edit one that has shipped. */
  static final List<String> FILES = List.of("V001__objects_and_change_log.sql", "V002__secret_values.sql",
      "V003__commit_deadline.sql", "V004__token_expiry.sql", "V005__objects_phase_index.sql",
      "V006__objects_expanding_index.sql", "V007__nodes_and_leases.sql", "V008__schedule_ticks.sql",
      "V009__change_log_by_object.sql");

  private static final long LOCK_KEY = 0x52554e45L; // "RUNE"

  private Migrations() {}

  /** Applies what is missing; returns how many migrations ran. */
  public static Future<Integer> apply(Vertx vertx, Pool pool) {
    return pool.getConnection().compose(conn -> conn.query("SELECT pg_advisory_lock(" + LOCK_KEY + ")")
        .execute()
        .compose(v -> conn.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version    text PRIMARY KEY,
              applied_at timestamptz NOT NULL DEFAULT now())""").execute())
        .compose(v -> applyFrom(vertx, conn, 0, 0))
        .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").execute()
            .eventually(conn::close)));
  }

  private static Future<Integer> applyFrom(Vertx vertx, SqlConnection conn, int index, int applied) {
    if (index == FILES.size()) {
      return Future.succeededFuture(applied);
    }
    String file = FILES.get(index);
    String version = file.substring(0, file.indexOf("__"));
    return conn.preparedQuery("SELECT 1 FROM schema_migrations WHERE version = $1")
        .execute(Tuple.of(version))
        .compose(rows -> {
          if (rows.size() > 0) {
            return applyFrom(vertx, conn, index + 1, applied);
          }
          return vertx.fileSystem().readFile("rune/db/migration/" + file)
              .compose(sql -> runInTransaction(conn, sql.toString(), version))
              .onSuccess(v -> log.info("Applied migration {}", file))
              .compose(v -> applyFrom(vertx, conn, index + 1, applied + 1));
        });
  }

  private static Future<Void> runInTransaction(SqlConnection conn, String sql, String version) {
    return conn.begin().compose(tx -> conn.query(sql).execute()
        .compose(v -> conn.preparedQuery("INSERT INTO schema_migrations (version) VALUES ($1)")
            .execute(Tuple.of(version)))
        .compose(v -> tx.commit())
        .recover(err -> tx.rollback().transform(ignored -> Future.<Void>failedFuture(err))));
  }
}
