package io.rune.storage.cluster;

import io.rune.storage.model.ObjectKey;
import io.rune.storage.store.Fence;

/**
 * What controllers ask of this node's shard leases. A lease counts as held only while it is
 * fresh: renewed within the renew deadline by this node's monotonic clock. A node that was
 * paused past it (SIGSTOP, a long GC, a partition) holds nothing until a renewal succeeds,
 * so it neither reconciles, nor calls a driver, nor writes.
 */
public interface ShardOwnership {
  /**
   * This node's event-bus address (local only) on which a {@code JsonArray} of shard numbers
   * is published when it gains shards: controllers then look again at the objects in them.
   */
  String GAINED_ADDRESS = "rune.internal.leases.gained";

  /** Whether this node holds the shard of {@code key} now. */
  boolean owns(ObjectKey key);

  /**
   * The fence for a write made while reconciling {@code key}.
   *
   * @throws LeaseLost when this node does not hold the key's shard now
   */
  Fence fenceFor(ObjectKey key);

  /** Whether this node's leases are fresh; no driver call is made otherwise. */
  boolean fresh();

  /**
   * The database refused a write made under {@code fence}: the lease had moved on or expired.
   * Counted ({@code rune_lease_fenced_writes_total}), and the shard is no longer this node's:
   * the work is the new holder's.
   */
  default void refused(Fence fence) {}

  /** The node does not hold the lease a piece of work needs: the work stops, another node does it. */
  final class LeaseLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseLost(String message) {
      super(message, null, false, false);
    }
  }
}
