package io.rune.storage.cluster;

import io.rune.storage.store.StoreErrors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes table read with the leases each node holds. Readiness and ages come from the
 * database's clock, the one every node shares, never from this node's.
 */
public final class PgNodeDirectory implements NodeDirectory {
  private static final String LIST = """
      SELECT n.name, n.labels, n.address, n.version, n.started_at, n.heartbeat_at,
             (extract(epoch FROM now() - n.heartbeat_at) * 1000)::bigint AS age_ms,
             coalesce((SELECT array_agg(l.shard ORDER BY l.shard) FROM leases l
                        WHERE l.holder = n.name AND l.expires_at > now()), '{}') AS shards
        FROM nodes n ORDER BY n.name""";

  private final Pool reads;
  private final Duration readyWithin;

  /**
   * @param readyWithin a node whose heartbeat is older than this is NotReady (the lease duration)
   */
  public PgNodeDirectory(Pool reads, Duration readyWithin) {
    this.reads = reads;
    this.readyWithin = readyWithin;
  }

  @Override
  public Future<List<NodeInfo>> list() {
    return reads.preparedQuery(LIST).execute(Tuple.tuple()).map(rows -> {
      List<NodeInfo> nodes = new ArrayList<>(rows.size());
      for (Row row : rows) {
        nodes.add(node(row));
      }
      return nodes;
    }).recover(StoreErrors::translate);
  }

  private NodeInfo node(Row row) {
    Map<String, String> labels = new LinkedHashMap<>();
    ((JsonObject) row.getValue("labels")).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    Duration age = Duration.ofMillis(Math.max(0, row.getLong("age_ms")));
    Integer[] shards = row.getArrayOfIntegers("shards");
    return new NodeInfo(row.getString("name"), labels, row.getString("address"), row.getString("version"),
        row.getOffsetDateTime("started_at").toInstant(), row.getOffsetDateTime("heartbeat_at").toInstant(), age,
        age.compareTo(readyWithin) < 0, shards == null ? List.of() : Arrays.asList(shards));
  }
}
