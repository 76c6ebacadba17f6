package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The reads of {@link StoreReader} on any SQL client: a pool, or a transaction's connection. */
class PgReads implements StoreReader {
  private static final String SELECT_ONE = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3";
  private static final String SELECT_DEFAULT_CLASS = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = 'StorageClass' AND (spec ->> 'default') = 'true'";
  private static final String SELECT_BY_SPEC = "SELECT " + Rows.OBJECT_COLUMNS
      + " FROM objects WHERE kind = $1 AND spec @> $2 ORDER BY namespace, name";

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
  public Future<List<ApiObject>> findBySpec(Kind kind, JsonObject specFragment) {
    return client.preparedQuery(SELECT_BY_SPEC).execute(Tuple.of(kind.kindName(), specFragment))
        .map(rows -> {
          List<ApiObject> found = new ArrayList<>();
          for (Row row : rows) {
            found.add(Rows.toObject(row));
          }
          return found;
        })
        .recover(StoreErrors::translate);
  }
}
