package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/**
 * The three writes, each one statement: bump the change-log head (its row lock is held
 * until commit, which serialises writers in commit order), change the object row, append
 * the change-log row and notify. Run on a pool, a statement is its own transaction and
 * the head is held only while the database executes and commits it; run on a connection
 * in a transaction, it joins that transaction.
 *
 * <p>The head is bumped first (the other parts read its result), so every writer takes
 * the head before any object row: no two writers can wait for each other. Updates and
 * deletes carry the version they read; if the object moved on, nothing is changed and the
 * write fails with Conflict.
 *
 * <p>The rendered object is written with the version it was read at; the statement puts
 * the new sequence number into its first "resourceVersion", which is always the object's
 * own (it is rendered before any user-written field).
 */
final class WriteStatements {
  private static final String NEW_BODY = newBody("$9");

  private static final String INSERT = """
      WITH h AS (UPDATE change_head SET seq = seq + 1 WHERE id = 1 RETURNING seq),
           b AS (SELECT h.seq, %s AS body FROM h),
           o AS (INSERT INTO objects (kind, namespace, name, uid, resource_version, labels, spec, status,
                                      body, created_at, updated_at)
                 SELECT $1, $2, $3, $4, b.seq, $5, $6, $7, b.body, $8, $8 FROM b RETURNING 1),
           l AS (INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
                 SELECT b.seq, 'ADDED', $1, $2, $3, b.body, $8 FROM b)
      SELECT b.seq, pg_notify('%s', b.seq::text) FROM b""".formatted(NEW_BODY, PgStore.CHANNEL);

  private static final String UPDATE = """
      WITH h AS (UPDATE change_head SET seq = seq + 1 WHERE id = 1 AND EXISTS (
                   SELECT 1 FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3
                                           AND resource_version = $4) RETURNING seq),
           b AS (SELECT h.seq, %s AS body FROM h),
           o AS (UPDATE objects SET resource_version = b.seq, labels = $5, spec = $6, status = $7,
                                    body = b.body, updated_at = $8
                 FROM b WHERE kind = $1 AND namespace = $2 AND name = $3 AND resource_version = $4
                 RETURNING 1),
           l AS (INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
                 SELECT b.seq, 'MODIFIED', $1, $2, $3, b.body, $8 FROM b WHERE EXISTS (SELECT 1 FROM o))
      SELECT b.seq, pg_notify('%s', b.seq::text) FROM b WHERE EXISTS (SELECT 1 FROM o)"""
      .formatted(NEW_BODY, PgStore.CHANNEL);

  private static final String DELETE = """
      WITH h AS (UPDATE change_head SET seq = seq + 1 WHERE id = 1 AND EXISTS (
                   SELECT 1 FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3
                                           AND resource_version = $4) RETURNING seq),
           b AS (SELECT h.seq, %s AS body FROM h),
           o AS (DELETE FROM objects USING b
                 WHERE kind = $1 AND namespace = $2 AND name = $3 AND resource_version = $4 RETURNING 1),
           l AS (INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
                 SELECT b.seq, 'DELETED', $1, $2, $3, b.body, $5 FROM b WHERE EXISTS (SELECT 1 FROM o))
      SELECT b.seq, pg_notify('%s', b.seq::text) FROM b WHERE EXISTS (SELECT 1 FROM o)"""
      .formatted(newBody("$6"), PgStore.CHANNEL);

  private WriteStatements() {}

  static Future<ApiObject> insert(SqlClient client, ApiObject object) {
    Instant now = Rows.now();
    ApiObject draft = new ApiObject(object.kind(), object.namespace(), object.name(),
        object.uid() == null ? UUID.randomUUID().toString() : object.uid(), 0, object.labels(),
        object.spec(), object.status(), now, now);
    return client.preparedQuery(INSERT).execute(params(draft, 0, now))
        .map(rows -> stored(draft, rows));
  }

  static Future<ApiObject> update(SqlClient client, ApiObject object) {
    Instant now = Rows.now();
    ApiObject draft = object.stamped(object.resourceVersion(), now);
    return client.preparedQuery(UPDATE).execute(params(draft, object.resourceVersion(), now))
        .map(rows -> stored(draft, rows));
  }

  static Future<ApiObject> delete(SqlClient client, ApiObject object) {
    Instant now = Rows.now();
    ApiObject last = object.stamped(object.resourceVersion(), now);
    // Only what the statement uses: a parameter it never mentions has no type PostgreSQL can
    // infer, which a statement prepared on a transaction's connection refuses.
    Tuple params = Tuple.of(last.kind().kindName(), last.namespace(), last.name(), object.resourceVersion())
        .addValue(Rows.timestamp(now)).addValue(last.toJson().encode());
    return client.preparedQuery(DELETE).execute(params).map(rows -> stored(last, rows));
  }

  /** The rendered object in parameter {@code param}, with the new sequence number as its resourceVersion. */
  private static String newBody(String param) {
    return "regexp_replace(" + param + ", '\"resourceVersion\":\"[0-9]*\"',"
        + " '\"resourceVersion\":\"' || h.seq || '\"')::json";
  }

  /** $1 kind, $2 namespace, $3 name, $4 uid or expected version, $5-$7 labels/spec/status, $8 time, $9 body. */
  private static Tuple params(ApiObject object, long expectedVersion, Instant now) {
    Object fourth = expectedVersion == 0 ? UUID.fromString(object.uid()) : (Object) expectedVersion;
    return Tuple.of(object.kind().kindName(), object.namespace(), object.name(), fourth,
            Rows.labels(object), object.spec())
        .addValue(object.status())
        .addValue(Rows.timestamp(now))
        .addValue(object.toJson().encode());
  }

  private static ApiObject stored(ApiObject draft, RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw new StoreException(StoreException.Type.CONFLICT, draft.kind().kindName() + " " + draft.key() + " has changed since"
          + " resourceVersion " + draft.resourceVersion() + "; read it again and reapply the change");
    }
    long seq = rows.iterator().next().getLong(0);
    return new ApiObject(draft.kind(), draft.namespace(), draft.name(), draft.uid(), seq, draft.labels(),
        draft.spec(), draft.status(), draft.createdAt(), draft.updatedAt());
  }
}
