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

  /**
   * A fenced write's lease, checked in the statement that writes: the row is locked for
   * share, so a takeover (which updates it) waits for this write to commit, and a write that
   * comes after a takeover finds the new epoch and changes nothing.
   */
  private static final String LEASE_HELD = "EXISTS (SELECT 1 FROM leases WHERE shard = $%d AND holder = $%d"
      + " AND epoch = $%d AND expires_at > now() FOR SHARE)";

  private static final String UPDATE = update(false);
  private static final String UPDATE_FENCED = update(true);
  private static final String DELETE = delete(false);
  private static final String DELETE_FENCED = delete(true);

  private static String update(boolean fenced) {
    return fenced("""
        WITH %s h AS (UPDATE change_head SET seq = seq + 1 WHERE id = 1 %s AND EXISTS (
                     SELECT 1 FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3
                                             AND resource_version = $4) RETURNING seq),
             b AS (SELECT h.seq, %s AS body FROM h),
             o AS (UPDATE objects SET resource_version = b.seq, labels = $5, spec = $6, status = $7,
                                      body = b.body, updated_at = $8
                   FROM b WHERE kind = $1 AND namespace = $2 AND name = $3 AND resource_version = $4
                   RETURNING 1),
             l AS (INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
                   SELECT b.seq, 'MODIFIED', $1, $2, $3, b.body, $8 FROM b WHERE EXISTS (SELECT 1 FROM o))
        %s""", fenced, 10, NEW_BODY);
  }

  private static String delete(boolean fenced) {
    return fenced("""
        WITH %s h AS (UPDATE change_head SET seq = seq + 1 WHERE id = 1 %s AND EXISTS (
                     SELECT 1 FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3
                                             AND resource_version = $4) RETURNING seq),
             b AS (SELECT h.seq, %s AS body FROM h),
             o AS (DELETE FROM objects USING b
                   WHERE kind = $1 AND namespace = $2 AND name = $3 AND resource_version = $4 RETURNING 1),
             l AS (INSERT INTO change_log (seq, type, kind, namespace, name, object, at)
                   SELECT b.seq, 'DELETED', $1, $2, $3, b.body, $5 FROM b WHERE EXISTS (SELECT 1 FROM o))
        %s""", fenced, 7, newBody("$6"));
  }

  /**
   * Fills a write's template: unfenced, as it always was; fenced, with the lease (parameters
   * from {@code firstParam}: shard, holder, epoch) a condition of the head's bump, and a
   * result row that always comes back and says, when nothing was written, whether the lease
   * was the reason (held false) or the version (held true): one statement, no second look.
   */
  private static String fenced(String template, boolean fenced, int firstParam, String body) {
    String notified = "SELECT b.seq, pg_notify('%s', b.seq::text) AS notified FROM b WHERE EXISTS (SELECT 1 FROM o)"
        .formatted(PgStore.CHANNEL);
    if (!fenced) {
      return template.formatted("", "", body, notified);
    }
    String lease = "f AS (SELECT " + LEASE_HELD.formatted(firstParam, firstParam + 1, firstParam + 2) + " AS held),";
    return template.formatted(lease, "AND (SELECT held FROM f)", body,
        "SELECT n.seq, n.notified, f.held FROM f LEFT JOIN (" + notified + ") n ON true");
  }

  private WriteStatements() {}

  static Future<ApiObject> insert(SqlClient client, ApiObject object) {
    Instant now = Rows.now();
    ApiObject draft = new ApiObject(object.kind(), object.namespace(), object.name(),
        object.uid() == null ? UUID.randomUUID().toString() : object.uid(), 0, object.labels(),
        object.spec(), object.status(), now, now);
    return client.preparedQuery(INSERT).execute(params(draft, 0, now))
        .map(rows -> stored(draft, rows, null));
  }

  static Future<ApiObject> update(SqlClient client, ApiObject object) {
    return update(client, object, null);
  }

  /** As {@link #update(SqlClient, ApiObject)}, and only while {@code fence}'s lease holds (null: no lease). */
  static Future<ApiObject> update(SqlClient client, ApiObject object, Fence fence) {
    Instant now = Rows.now();
    ApiObject draft = object.stamped(object.resourceVersion(), now);
    Tuple params = params(draft, object.resourceVersion(), now);
    return client.preparedQuery(fence == null ? UPDATE : UPDATE_FENCED).execute(withFence(params, fence))
        .map(rows -> stored(draft, rows, fence));
  }

  static Future<ApiObject> delete(SqlClient client, ApiObject object) {
    return delete(client, object, null);
  }

  static Future<ApiObject> delete(SqlClient client, ApiObject object, Fence fence) {
    Instant now = Rows.now();
    ApiObject last = object.stamped(object.resourceVersion(), now);
    // Only what the statement uses: a parameter it never mentions has no type PostgreSQL can
    // infer, which a statement prepared on a transaction's connection refuses.
    Tuple params = Tuple.of(last.kind().kindName(), last.namespace(), last.name(), object.resourceVersion())
        .addValue(Rows.timestamp(now)).addValue(last.toJson().encode());
    return client.preparedQuery(fence == null ? DELETE : DELETE_FENCED).execute(withFence(params, fence))
        .map(rows -> stored(last, rows, fence));
  }

  private static Tuple withFence(Tuple params, Fence fence) {
    return fence == null ? params : params.addInteger(fence.shard()).addString(fence.holder()).addLong(fence.epoch());
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

  private static ApiObject stored(ApiObject draft, RowSet<Row> rows, Fence fence) {
    Row first = rows.size() == 0 ? null : rows.iterator().next();
    if (fence != null && first != null && !first.getBoolean("held")) {
      throw new StoreException(StoreException.Type.FENCED, "the write of " + draft.kind().kindName() + " "
          + draft.key() + " was refused: node " + fence.holder() + " no longer holds the lease of shard "
          + fence.shard() + " at epoch " + fence.epoch() + " (another node took it, or it expired); nothing was changed");
    }
    if (first == null || first.getValue(0) == null) {
      throw new StoreException(StoreException.Type.CONFLICT, draft.kind().kindName() + " " + draft.key() + " has changed since"
          + " resourceVersion " + draft.resourceVersion() + "; read it again and reapply the change");
    }
    long seq = first.getLong(0);
    return new ApiObject(draft.kind(), draft.namespace(), draft.name(), draft.uid(), seq, draft.labels(),
        draft.spec(), draft.status(), draft.createdAt(), draft.updatedAt());
  }
}
