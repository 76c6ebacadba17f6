package io.rune.storage.store;

import io.rune.storage.model.LabelSelector;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the one statement of a list page. The page and the head of the change log are
 * read in one statement, hence from one snapshot: a watch that resumes from the returned
 * resourceVersion misses nothing and repeats nothing.
 */
record ListSql(String text, Tuple params) {

  static ListSql build(ListQuery query) {
    List<Object> params = new ArrayList<>();
    params.add(query.kind().kindName());
    StringBuilder where = new StringBuilder("kind = $1");
    if (query.namespaces() != null) {
      params.add(query.namespaces().toArray(new String[0]));
      where.append(" AND namespace = ANY($").append(params.size()).append(")");
    }
    if (query.continueToken() != null) {
      String[] after = ContinueToken.decode(query.continueToken());
      params.add(after[0]);
      params.add(after[1]);
      where.append(" AND (namespace, name) > ($").append(params.size() - 1)
          .append(", $").append(params.size()).append(")");
    }
    if (query.selector() != null) {
      for (LabelSelector.Requirement r : query.selector().requirements()) {
        switch (r.op()) {
          case EQUALS -> {
            params.add(new JsonObject().put(r.key(), r.value()));
            where.append(" AND labels @> $").append(params.size());
          }
          case NOT_EQUALS -> {
            params.add(new JsonObject().put(r.key(), r.value()));
            where.append(" AND NOT (labels @> $").append(params.size()).append(")");
          }
          case EXISTS -> {
            params.add(r.key());
            where.append(" AND labels ? $").append(params.size());
          }
          case NOT_EXISTS -> {
            params.add(r.key());
            where.append(" AND NOT (labels ? $").append(params.size()).append(")");
          }
        }
      }
    }
    params.add(query.limit() + 1);
    String text = "WITH head AS (SELECT seq FROM change_head WHERE id = 1) "
        + "SELECT head.seq AS head_seq, o.body::text AS body, o.namespace, o.name FROM head LEFT JOIN LATERAL ("
        + "SELECT namespace, name, body FROM objects WHERE " + where
        + " ORDER BY namespace, name LIMIT $" + params.size() + ") o ON true";
    return new ListSql(text, Tuple.from(params));
  }
}
