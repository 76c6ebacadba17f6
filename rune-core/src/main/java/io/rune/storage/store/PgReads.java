package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The reads of {@link StoreReader} on any SQL client: a pool, or a transaction's connection. */
class PgReads implements StoreReader {
  private static final String SELECT_ONE = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3";
  private static final String SELECT_DEFAULT_CLASS = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = 'StorageClass' AND (spec ->> 'default') = 'true'";
  // One statement, so that the uid (part of the box's associated data) and the box agree.
  private static final String SELECT_SEALED_SECRET = "SELECT o.uid, s.key_id, s.box"
      + " FROM objects o LEFT JOIN secret_values s ON s.uid = o.uid"
      + " WHERE o.kind = 'Secret' AND o.namespace = $1 AND o.name = $2";

  private final SqlClient client;

  PgReads(SqlClient client) {
    this.client = client;
  }

  @Override
  public Future<ApiObject> get(Kind kind, String namespace, String name) {
    return client.preparedQuery(SELECT_ONE)
        .execute(Tuple.of(kind.kindName(), namespace == null ? "" : namespace, name))
        .map(rows -> rows.size() == 0 ? null : Rows.toObject(rows.iterator().next()))
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<ApiObject> defaultStorageClass() {
    return client.preparedQuery(SELECT_DEFAULT_CLASS).execute()
        .map(rows -> rows.size() == 0 ? null : Rows.toObject(rows.iterator().next()))
        .recover(StoreErrors::translate);
  }

  @Override
  public Future<SealedSecret> sealedSecret(String namespace, String name) {
    return client.preparedQuery(SELECT_SEALED_SECRET).execute(Tuple.of(namespace, name))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          Buffer box = row.getBuffer("box");
          return new SealedSecret(row.getUUID("uid").toString(), row.getString("key_id"),
              box == null ? null : box.getBytes());
        })
        .recover(StoreErrors::translate);
  }
}
