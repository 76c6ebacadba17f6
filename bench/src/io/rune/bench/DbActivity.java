package io.rune.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;

/**
 * What runed's database did, from PostgreSQL's cumulative statistics: transactions of database
 * {@code rune}, and rows read from and written to runed's tables. The bench's own statistics
 * queries read no table of runed's; its transactions on database rune (one per reading) count.
 * (Statements are counted by {@link StatementStats}, on a runed whose database the bench made
 * preload pg_stat_statements.)
 */
final class DbActivity implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /**
   * Counters at one moment; {@link #minus} gives what happened between two. {@code readByTable}:
   * the rows read from each of runed's tables, the largest first after {@link #minus}.
   */
  record Counters(long transactions, long rowsRead, long rowsWritten, java.util.Map<String, Long> readByTable) {
    Counters minus(Counters before) {
      java.util.Map<String, Long> read = new java.util.LinkedHashMap<>();
      readByTable.entrySet().stream()
          .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.readByTable.getOrDefault(e.getKey(), 0L)))
          .filter(e -> e.getValue() > 0)
          .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> read.put(e.getKey(), e.getValue()));
      return new Counters(transactions - before.transactions, rowsRead - before.rowsRead,
          rowsWritten - before.rowsWritten, read);
    }
  }

  private final SqlClient client;
  /** On database rune, for the bench's own questions about the volumes (not during a window). */
  private final SqlClient rune;

  DbActivity(Vertx vertx, int pgPort, String pgPassword) {
    PgConnectOptions options = RawCommitLoad.database(pgPort, pgPassword).setDatabase("postgres");
    this.client = PgBuilder.client().connectingTo(options).using(vertx).build();
    this.rune = PgBuilder.client().connectingTo(RawCommitLoad.database(pgPort, pgPassword)).using(vertx).build();
  }

  /**
   * Transactions committed and rolled back in database rune (pg_stat_database, read from
   * database postgres); rows read (by sequential scans, and fetched through indexes) from and
   * written to runed's own tables (pg_stat_user_tables: neither the catalogs nor VACUUM and
   * ANALYZE count there). A backend reports its counts when it goes idle, at most once a
   * second (10 s at the latest), so each reading may miss a few seconds of the latest work.
   */
  Counters read() {
    Row xacts = Await.result(client.query("SELECT xact_commit + xact_rollback FROM pg_stat_database"
        + " WHERE datname = 'rune'").execute(), DEADLINE, "reading pg_stat_database").iterator().next();
    java.util.Map<String, Long> byTable = new java.util.HashMap<>();
    long read = 0;
    long written = 0;
    for (Row row : Await.result(rune.query("SELECT relname, seq_tup_read + coalesce(idx_tup_fetch, 0),"
        + " n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables").execute(), DEADLINE,
        "reading pg_stat_user_tables")) {
      byTable.put(row.getString(0), row.getLong(1));
      read += row.getLong(1);
      written += row.getLong(2);
    }
    return new Counters(xacts.getLong(0), read, written, byTable);
  }

  /** How many volumes are stored, how many of them are Available, and the change log's head. */
  record Volumes(long stored, long available, long head) {}

  Volumes volumes() {
    Row row = Await.result(rune.query("SELECT count(*), count(*) FILTER (WHERE status ->> 'phase' = 'Available'),"
        + " (SELECT seq FROM change_head) FROM objects WHERE kind = 'Volume'").execute(),
        DEADLINE, "counting volumes").iterator().next();
    return new Volumes(row.getLong(0), row.getLong(1), row.getLong(2));
  }

  /**
   * Who holds how many shards on a lease that has not expired, among the nodes whose heartbeat
   * is younger than {@code readyWithin}, both by the database's clock (as the nodes judge it).
   */
  java.util.Map<String, Integer> leasesOfReadyNodes(Duration readyWithin) {
    java.util.Map<String, Integer> held = new java.util.TreeMap<>();
    for (Row row : Await.result(rune.preparedQuery("SELECT n.name, (SELECT count(*) FROM leases l"
        + " WHERE l.holder = n.name AND l.expires_at > now()) FROM nodes n"
        + " WHERE n.heartbeat_at > now() - $1 * interval '1 millisecond'")
        .execute(io.vertx.sqlclient.Tuple.of(readyWithin.toMillis())), DEADLINE, "reading nodes and leases")) {
      held.put(row.getString(0), row.getLong(1).intValue());
    }
    return held;
  }

  @Override
  public void close() {
    Await.result(client.close(), DEADLINE, "closing the statistics client");
    Await.result(rune.close(), DEADLINE, "closing the volume-counting client");
  }
}
