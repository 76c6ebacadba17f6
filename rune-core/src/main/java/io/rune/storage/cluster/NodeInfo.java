package io.rune.storage.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A node as the {@code nodes} and {@code leases} tables describe it.
 *
 * @param ready whether its heartbeat is younger than the lease duration (by the database's clock)
 * @param heartbeatAge how long ago its last heartbeat was written, by the database's clock
 * @param shards the shards it holds an unexpired lease on, in order
 */
public record NodeInfo(String name, Map<String, String> labels, String address, String version,
    Instant startedAt, Instant heartbeatAt, java.time.Duration heartbeatAge, boolean ready, List<Integer> shards) {
  public NodeInfo {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    shards = shards == null ? List.of() : List.copyOf(shards);
  }

  /** This node as read {@code since} ago: its heartbeat age grown by that much, nothing else changed. */
  public NodeInfo agedBy(java.time.Duration since) {
    return new NodeInfo(name, labels, address, version, startedAt, heartbeatAt, heartbeatAge.plus(since), ready,
        shards);
  }
}
