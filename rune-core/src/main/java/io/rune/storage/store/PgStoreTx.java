package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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
  public Future<Boolean> markOnce(String what) {
    return conn.preparedQuery("INSERT INTO seeded (what) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(what)).map(rows -> rows.rowCount() == 1);
  }
}
