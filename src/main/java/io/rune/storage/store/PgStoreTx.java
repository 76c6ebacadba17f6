package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One write transaction. It was opened by locking the change-log head, so it owns the
 * next sequence numbers: each write takes one, records itself in the log under it, and
 * {@link #finish} moves the head and notifies listeners once, just before commit.
 */
final class PgStoreTx implements StoreTx {
  static final String LOCK_HEAD = "SELECT seq FROM change_head WHERE id = 1 FOR UPDATE";

  private static final String SELECT_ONE = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3";
  private static final String SELECT_DEFAULT_CLASS = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = 'StorageClass' AND (spec ->> 'default') = 'true'";
  private static final String SELECT_BY_SPEC = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = $1 AND spec @> $2 ORDER BY namespace, name";
  private static final String INSERT = """
      WITH o AS (
        INSERT INTO objects (kind, namespace, name, uid, resource_version, labels, spec, status,
                             created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9))
      INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
      VALUES ($5, 'ADDED', $1, $2, $3, $10, $9)""";
  private static final String UPDATE = """
      WITH o AS (
        UPDATE objects SET resource_version = $4, labels = $5, spec = $6, status = $7, updated_at = $8
        WHERE kind = $1 AND namespace = $2 AND name = $3)
      INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
      VALUES ($4, 'MODIFIED', $1, $2, $3, $9, $8)""";
  private static final String DELETE = """
      WITH o AS (DELETE FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3)
      INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
      VALUES ($4, 'DELETED', $1, $2, $3, $5, $6)""";
  private static final String ADVANCE_HEAD = """
      WITH h AS (UPDATE change_head SET seq = $1 WHERE id = 1 RETURNING seq)
      SELECT pg_notify('""" + PgStore.CHANNEL + "', seq::text) FROM h";

  private final SqlConnection conn;
  private final long startSeq;
  private long seq;

  PgStoreTx(SqlConnection conn, long headSeq) {
    this.conn = conn;
    this.startSeq = headSeq;
    this.seq = headSeq;
  }

  @Override
  public Future<ApiObject> get(Kind kind, String namespace, String name) {
    return conn.preparedQuery(SELECT_ONE)
        .execute(Tuple.of(kind.kindName(), namespace == null ? "" : namespace, name))
        .map(rows -> rows.size() == 0 ? null : Rows.toObject(rows.iterator().next()));
  }

  @Override
  public Future<ApiObject> defaultStorageClass() {
    return conn.preparedQuery(SELECT_DEFAULT_CLASS).execute()
        .map(rows -> rows.size() == 0 ? null : Rows.toObject(rows.iterator().next()));
  }

  @Override
  public Future<List<ApiObject>> findBySpec(Kind kind, JsonObject specFragment) {
    return conn.preparedQuery(SELECT_BY_SPEC).execute(Tuple.of(kind.kindName(), specFragment))
        .map(rows -> {
          List<ApiObject> found = new ArrayList<>();
          for (Row row : rows) {
            found.add(Rows.toObject(row));
          }
          return found;
        });
  }

  @Override
  public Future<ApiObject> insert(ApiObject object) {
    Instant now = Rows.now();
    ApiObject stored = new ApiObject(object.kind(), object.namespace(), object.name(),
        object.uid() == null ? UUID.randomUUID().toString() : object.uid(), ++seq,
        object.labels(), object.spec(), object.status(), now, now);
    Tuple params = Tuple.of(stored.kind().kindName(), stored.namespace(), stored.name(),
            UUID.fromString(stored.uid()), stored.resourceVersion(), Rows.labels(stored))
        .addValue(stored.spec()).addValue(stored.status()).addValue(Rows.timestamp(now))
        .addValue(stored.toJson());
    return conn.preparedQuery(INSERT).execute(params).map(stored);
  }

  @Override
  public Future<ApiObject> update(ApiObject object) {
    ApiObject stored = object.stamped(++seq, Rows.now());
    Tuple params = Tuple.of(stored.kind().kindName(), stored.namespace(), stored.name(),
            stored.resourceVersion(), Rows.labels(stored), stored.spec())
        .addValue(stored.status()).addValue(Rows.timestamp(stored.updatedAt()))
        .addValue(stored.toJson());
    return conn.preparedQuery(UPDATE).execute(params).map(stored);
  }

  @Override
  public Future<ApiObject> delete(ApiObject object) {
    // The DELETED frame carries the object as it was, at the version of its deletion.
    ApiObject last = object.stamped(++seq, Rows.now());
    Tuple params = Tuple.of(last.kind().kindName(), last.namespace(), last.name(),
        last.resourceVersion(), last.toJson(), Rows.timestamp(last.updatedAt()));
    return conn.preparedQuery(DELETE).execute(params).map(last);
  }

  @Override
  public Future<Boolean> markOnce(String what) {
    return conn.preparedQuery("INSERT INTO seeded (what) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(what)).map(rows -> rows.rowCount() == 1);
  }

  /** Moves the head and notifies, if anything was written. */
  Future<Void> finish() {
    if (seq == startSeq) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(ADVANCE_HEAD).execute(Tuple.of(seq)).mapEmpty();
  }
}
