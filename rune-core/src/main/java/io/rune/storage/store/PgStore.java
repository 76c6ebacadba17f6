package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** The Store on PostgreSQL through the non-blocking Vert.x client. */
public final class PgStore extends PgReads implements Store {
  /** The NOTIFY channel; the payload is the newest sequence number. */
  public static final String CHANNEL = "rune_changes";

  private static final String SELECT_RENDERED =
      "SELECT body::text FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3";
  private static final String CHANGES_AFTER = "SELECT seq, type, kind, namespace, name, object"
      + " FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2";
  /** Matches the index change_log_by_object (V009). */
  private static final String CHANGES_OF = "SELECT seq, type, object, at FROM change_log"
      + " WHERE kind = $1 AND namespace = $2 AND name = $3 ORDER BY seq DESC LIMIT $4";
  private static final String BOUNDS = "SELECT h.seq, c.compacted_through"
      + " FROM change_head h, change_compaction c WHERE h.id = 1 AND c.id = 1";
  private static final String COMPACT = """
      WITH d AS (DELETE FROM change_log WHERE at < $1 RETURNING seq)
      UPDATE change_compaction
         SET compacted_through = GREATEST(compacted_through, (SELECT coalesce(max(seq), 0) FROM d))
       WHERE id = 1
      RETURNING (SELECT count(*) FROM d)""";

  private static final String KEYS_IN_PHASE = "SELECT namespace, name FROM objects"
      + " WHERE kind = $1 AND status ->> 'phase' = ANY($2) ORDER BY namespace, name";
  /** Matches the partial index objects_expanding (V006), which holds only the rows it returns. */
  private static final String KEYS_EXPANDING = "SELECT namespace, name FROM objects"
      + " WHERE kind = $1 AND status ? 'expandingTo' ORDER BY namespace, name";

  /** Matches the partial index objects_scheduled (V008). */
  private static final String KEYS_SCHEDULED = "SELECT namespace, name FROM objects"
      + " WHERE kind = 'Volume' AND spec ? 'snapshotSchedule' ORDER BY namespace, name";

  private static final String OBJECTS_OF = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = $1 ORDER BY namespace, name";

  private final Pool pool;
  /** Where single writes go: the pool (each its own transaction), or a rehearsal's connection. */
  private final SqlClient writes;
  /** The pool's view for statements that only read (no transaction of their own), or a rehearsal's connection. */
  private final SqlClient reads;
  /** The transaction every statement of a rehearsal joins; null for the store itself. */
  private final SqlConnection rehearsal;

  public PgStore(BoundedPool pool) {
    this(pool, pool, pool.reads(), null);
  }

  private PgStore(Pool pool, SqlClient writes, SqlClient reads, SqlConnection rehearsal) {
    super(reads);
    this.pool = pool;
    this.writes = writes;
    this.reads = reads;
    this.rehearsal = rehearsal;
  }

  public Pool pool() {
    return pool;
  }

  @Override
  public Future<String> getRendered(Kind kind, String namespace, String name) {
    return reads.preparedQuery(SELECT_RENDERED)
        .execute(Tuple.of(kind.kindName(), namespace == null ? "" : namespace, name))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0))
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<List<ObjectKey>> keysInPhase(Kind kind, Collection<String> phases) {
    return reads.preparedQuery(KEYS_IN_PHASE)
        .execute(Tuple.of(kind.kindName()).addArrayOfString(phases.toArray(String[]::new)))
        .map(PgStore::keysOf)
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<List<ObjectKey>> keysExpanding(Kind kind) {
    return reads.preparedQuery(KEYS_EXPANDING).execute(Tuple.of(kind.kindName()))
        .map(PgStore::keysOf)
        .recover(StoreErrors::translate);
  }

  private static List<ObjectKey> keysOf(RowSet<Row> rows) {
    List<ObjectKey> keys = new ArrayList<>(rows.size());
    rows.forEach(row -> keys.add(new ObjectKey(row.getString(0), row.getString(1))));
    return keys;
  }

  @Override
  public Future<List<ObjectKey>> keysScheduled() {
    return reads.preparedQuery(KEYS_SCHEDULED).execute()
        .map(PgStore::keysOf)
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<List<ApiObject>> objectsOf(Kind kind) {
    return reads.preparedQuery(OBJECTS_OF).execute(Tuple.of(kind.kindName()))
        .map(rows -> each(rows, Rows::toObject))
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<ApiObject> insert(ApiObject object) {
    return WriteStatements.insert(writes, object).recover(StoreErrors::translate);
  }

  @Override
  public Future<ApiObject> update(ApiObject object) {
    return WriteStatements.update(writes, object).recover(StoreErrors::translate);
  }

  @Override
  public Future<ApiObject> delete(ApiObject object) {
    return WriteStatements.delete(writes, object).recover(StoreErrors::translate);
  }

  @Override
  public Future<ApiObject> update(ApiObject object, Fence fence) {
    return WriteStatements.update(writes, object, fence).recover(StoreErrors::translate);
  }

  @Override
  public Future<ApiObject> delete(ApiObject object, Fence fence) {
    return WriteStatements.delete(writes, object, fence).recover(StoreErrors::translate);
  }

  @Override
  public Future<RenderedPage> list(ListQuery query) {
    ListSql sql = ListSql.build(query);
    return reads.preparedQuery(sql.text()).execute(sql.params())
        .map(rows -> {
          List<String> items = new ArrayList<>(rows.size());
          long head = 0;
          String lastNamespace = null;
          String lastName = null;
          for (Row row : rows) {
            head = row.getLong("head_seq");
            if (row.getString("name") != null && items.size() < query.limit()) {
              items.add(row.getString("body"));
              lastNamespace = row.getString("namespace");
              lastName = row.getString("name");
            }
          }
          boolean more = rows.size() > query.limit();
          return new RenderedPage(items, more ? ContinueToken.encode(lastNamespace, lastName) : null, head);
        })
        .recover(StoreErrors::translate);
  }

  @Override
  public <T> Future<T> write(Function<StoreTx, Future<T>> work) {
    if (rehearsal != null) {
      // The rehearsal holds the head already.
      return work.apply(new PgStoreTx(rehearsal)).recover(StoreErrors::translate);
    }
    return pool.withTransaction(conn -> conn.preparedQuery(PgStoreTx.LOCK_HEAD).execute()
            .compose(locked -> work.apply(new PgStoreTx(conn))))
        .recover(StoreErrors::translate);
  }

  /**
   * The work's outcome, carried out of {@link Pool#withTransaction} as a failure so that the
   * pool rolls the transaction back whatever the work did.
   */
  private static final class Rehearsed extends RuntimeException {
    private final transient Object result;

    Rehearsed(Object result) {
      super(null, null, false, false);
      this.result = result;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> Future<T> rehearse(Function<Store, Future<T>> work) {
    if (rehearsal != null) {
      return work.apply(this);
    }
    return pool.<T>withTransaction(conn -> conn.preparedQuery(PgStoreTx.LOCK_HEAD).execute()
            .compose(locked -> work.apply(new PgStore(pool, conn, conn, conn)))
            .compose(result -> Future.failedFuture(new Rehearsed(result))))
        .recover(err -> err instanceof Rehearsed done ? Future.succeededFuture((T) done.result)
            : StoreErrors.translate(err));
  }

  @Override
  public Future<List<Change>> changesAfter(long afterSeq, int limit) {
    return reads.preparedQuery(CHANGES_AFTER).execute(Tuple.of(afterSeq, limit))
        .map(rows -> each(rows, Rows::toChange))
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<List<ObjectChange>> changesOf(Kind kind, String namespace, String name, int limit) {
    return reads.preparedQuery(CHANGES_OF).execute(Tuple.of(kind.kindName(), namespace, name, limit))
        .map(rows -> each(rows, Rows::toObjectChange))
        .recover(StoreErrors::translate);
  }

  private static <T> List<T> each(RowSet<Row> rows, Function<Row, T> map) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(row -> list.add(map.apply(row)));
    return list;
  }

  @Override
  public Future<ChangeLogBounds> bounds() {
    return reads.preparedQuery(BOUNDS).execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          return new ChangeLogBounds(row.getLong(0), row.getLong(1));
        })
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<Integer> compact(Instant before) {
    return writes.preparedQuery(COMPACT).execute(Tuple.of(Rows.timestamp(before)))
        .map(rows -> rows.iterator().next().getInteger(0))
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<Void> ping() {
    return reads.query("SELECT 1").execute().<Void>mapEmpty().recover(StoreErrors::translate);
  }
}
