package io.rune.storage.cluster;

import io.vertx.core.Future;
import java.util.List;

/** Reads of the nodes of the cluster (every node that ever started against this database). */
public interface NodeDirectory {
  /** Every node, by name, with its readiness and the shards it holds. */
  Future<List<NodeInfo>> list();

  /** The Ready nodes only: candidates for placement, targets for node-local calls. */
  default Future<List<NodeInfo>> ready() {
    return list().map(all -> all.stream().filter(NodeInfo::ready).toList());
  }
}
