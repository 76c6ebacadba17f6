package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One serialised write transaction: it locked the change-log head with its first
 * statement, so it sees every earlier write and no other writer runs until it commits.
 */
final class PgStoreTx extends PgReads implements StoreTx {
  static final String LOCK_HEAD = "SELECT seq FROM change_head WHERE id = 1 FOR UPDATE";
  private static final String VOLUMES_OF_CLASS = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = 'Volume' AND spec ->> 'storageClassName' = $1 ORDER BY namespace, name";
  // A volume's source names its snapshot's namespace only when it differs from its own.
  private static final String VOLUMES_RESTORING_FROM = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = 'Volume' AND spec -> 'source' ->> 'snapshot' = $2"
      + " AND COALESCE(spec -> 'source' ->> 'namespace', namespace) = $1 AND status ->> 'phase' = ANY($3)"
      + " ORDER BY namespace, name";

  private static final String PUT_SEALED_SECRET = "INSERT INTO secret_values (uid, key_id, box) VALUES ($1, $2, $3)"
      + " ON CONFLICT (uid) DO UPDATE SET key_id = EXCLUDED.key_id, box = EXCLUDED.box";

  /**
   * The lease as WriteStatements checks it, then the tick, only while the lease holds. Ticks
   * of the volume a day older than this one go: only ticks after the last taken one are ever
   * taken, so the rows of a day are history enough, and an every-minute schedule keeps 1440.
   */
  private static final String TAKE_TICK = """
      WITH f AS (SELECT EXISTS (SELECT 1 FROM leases WHERE shard = $1 AND holder = $2 AND epoch = $3
                                  AND expires_at > now() FOR SHARE) AS held),
           d AS (DELETE FROM schedule_ticks WHERE volume_uid = $4 AND tick_at < $5::timestamptz - interval '1 day'
                                             AND (SELECT held FROM f)),
           t AS (INSERT INTO schedule_ticks (volume_uid, tick_at, snapshot)
                 SELECT $4, $5, $6 FROM f WHERE f.held ON CONFLICT DO NOTHING RETURNING 1)
      SELECT f.held, (SELECT count(*) FROM t) AS taken FROM f""";

  private final SqlConnection conn;

  PgStoreTx(SqlConnection conn) {
    super(conn);
    this.conn = conn;
  }

  @Override
  public Future<ApiObject> insert(ApiObject object) {
    return WriteStatements.insert(conn, object);
  }

  @Override
  public Future<ApiObject> update(ApiObject object) {
    return WriteStatements.update(conn, object);
  }

  @Override
  public Future<ApiObject> delete(ApiObject object) {
    return WriteStatements.delete(conn, object);
  }

  @Override
  public Future<Void> putSealedSecret(SealedSecret sealed) {
    return conn.preparedQuery(PUT_SEALED_SECRET)
        .execute(Tuple.of(UUID.fromString(sealed.uid()), sealed.keyId(),
            Buffer.buffer(sealed.box())))
        .mapEmpty();
  }

  @Override
  public Future<List<ApiObject>> volumesOfClass(String className) {
    return conn.preparedQuery(VOLUMES_OF_CLASS).execute(Tuple.of(className)).map(PgStoreTx::objects);
  }

  @Override
  public Future<List<ApiObject>> volumesRestoringFrom(String namespace, String snapshot, List<String> phases) {
    return conn.preparedQuery(VOLUMES_RESTORING_FROM)
        .execute(Tuple.of(namespace, snapshot).addArrayOfString(phases.toArray(String[]::new)))
        .map(PgStoreTx::objects);
  }

  private static List<ApiObject> objects(RowSet<Row> rows) {
    List<ApiObject> objects = new ArrayList<>(rows.size());
    rows.forEach(row -> objects.add(Rows.toObject(row)));
    return objects;
  }

  @Override
  public Future<Boolean> takeTick(Fence fence, String volumeUid, Instant tick, String snapshot) {
    return conn.preparedQuery(TAKE_TICK).execute(Tuple.of(fence.shard(), fence.holder(), fence.epoch(),
            UUID.fromString(volumeUid), Rows.timestamp(tick), snapshot))
        .map(rows -> {
          Row row = rows.iterator().next();
          if (!row.getBoolean("held")) {
            throw new StoreException(StoreException.Type.FENCED, "the tick " + tick + " of the schedule of volume "
                + volumeUid + " was not taken: node " + fence.holder() + " no longer holds the lease of shard "
                + fence.shard() + " at epoch " + fence.epoch() + "; nothing was changed");
          }
          return row.getLong("taken") == 1L;
        });
  }

  @Override
  public Future<Boolean> markOnce(String what) {
    return conn.preparedQuery("INSERT INTO seeded (what) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(what)).map(rows -> rows.rowCount() == 1);
  }
}
