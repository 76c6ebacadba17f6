package io.rune.bench;

import static io.rune.bench.Session.step;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * What runed asks of its database, counted by PostgreSQL itself: statements from
 * pg_stat_statements (which the embedded binaries ship, and which runed does not preload), and
 * write transactions from the transaction ids handed out (PostgreSQL gives an id only to a
 * transaction that writes or NOTIFYs; read-only ones, and the prepare-then-execute pairs of the
 * PG client, commit without one). Works as the superuser {@code postgres}, so its own queries
 * (by another role, each read-only) count in neither figure.
 */
final class StatementStats implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String SUPERUSER = "postgres";

  /** Counters at one moment; {@link #minus} gives what happened between two. */
  record Counters(long statements, long writeStatements, long transactionIds) {
    Counters minus(Counters before) {
      return new Counters(statements - before.statements, writeStatements - before.writeStatements,
          transactionIds - before.transactionIds);
    }
  }

  private final SqlClient client;

  private StatementStats(SqlClient client) {
    this.client = client;
  }

  /**
   * Starts runed on a fresh {@code dataDir} with pg_stat_statements loaded: a first start makes
   * the cluster, where {@code ALTER SYSTEM} (postgresql.auto.conf, which PostgreSQL reads at every
   * start) adds the library to shared_preload_libraries; the second start, the one measured, loads it.
   * No setting of runed's is involved: the bench alone changes the database it measures.
   */
  static RunedServer startRuned(Vertx vertx, Path home, Path dataDir, Path log) throws IOException {
    step("starting runed once to make its database, and preloading pg_stat_statements there (ALTER SYSTEM)");
    try (RunedServer first = RunedServer.start(home, dataDir, log.resolveSibling("runed-first-start.log"));
         StatementStats stats = open(vertx, first.pgPort, dataDir)) {
      Await.result(stats.client.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'").execute(),
          DEADLINE, "ALTER SYSTEM SET shared_preload_libraries");
    }
    step("starting runed again on the same data directory (its PostgreSQL now preloads pg_stat_statements)");
    RunedServer runed = RunedServer.start(home, dataDir, log);
    try (StatementStats stats = open(vertx, runed.pgPort, dataDir)) {
      Await.result(stats.client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(), DEADLINE,
          "CREATE EXTENSION pg_stat_statements");
    } catch (RuntimeException e) {
      runed.close();
      throw e;
    }
    return runed;
  }

  /** On database rune, as the superuser whose password runed keeps in {@code <dataDir>/pg.passwords}. */
  static StatementStats open(Vertx vertx, int pgPort, Path dataDir) throws IOException {
    Properties passwords = new Properties();
    try (var in = Files.newBufferedReader(dataDir.resolve("pg.passwords"))) {
      passwords.load(in);
    }
    PgConnectOptions options = RawCommitLoad.database(pgPort, passwords.getProperty(SUPERUSER))
        .setUser(SUPERUSER);
    return new StatementStats(PgBuilder.client().connectingTo(options).using(vertx).build());
  }

  /**
   * The statements role rune ran in database rune (BEGIN, COMMIT and ROLLBACK left out), those
   * of them that change rows (INSERT INTO, UPDATE … SET, DELETE FROM, CTEs included), and the next transaction id of the cluster.
   * pg_stat_statements counts a statement when it ends, so a reading after the work is complete.
   */
  Counters read() {
    Row row = Await.result(client.query("SELECT coalesce(sum(s.calls), 0)::bigint,"
        + " coalesce(sum(s.calls) FILTER (WHERE s.query ~* '\\m(INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM)\\M'), 0)::bigint,"
        + " pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
        + " FROM pg_stat_statements s"
        + " WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = 'rune')"
        + " AND s.userid = (SELECT oid FROM pg_roles WHERE rolname = 'rune')"
        + " AND s.query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)\\M'").execute(),
        DEADLINE, "reading pg_stat_statements").iterator().next();
    return new Counters(row.getLong(0), row.getLong(1), row.getLong(2));
  }

  /** The volumes of {@code namespace} stored, and how many of them are Available. */
  record Volumes(long stored, long available) {}

  Volumes volumes(String namespace) {
    Row row = Await.result(client.preparedQuery("SELECT count(*), count(*) FILTER (WHERE status ->> 'phase' = 'Available')"
        + " FROM objects WHERE kind = 'Volume' AND namespace = $1").execute(Tuple.of(namespace)),
        DEADLINE, "counting volumes").iterator().next();
    return new Volumes(row.getLong(0), row.getLong(1));
  }

  @Override
  public void close() {
    Await.result(client.close(), DEADLINE, "closing the statistics client");
  }
}
