package io.rune.storage.cluster;

import io.rune.storage.model.ObjectKey;

/**
 * Controller work is split into {@value #COUNT} shards, each leased by one node at a time.
 * An object's shard depends on its namespace and name only (not its kind), so a volume, its
 * snapshots of the same name and a service of that name fall together. The hash is
 * {@link String#hashCode}, which the Java language fixes, so every node computes the same.
 */
public final class Shards {
  /** The number of shards; the {@code leases} table has one row for each (V007). */
  public static final int COUNT = 16;

  private Shards() {}

  public static int of(ObjectKey key) {
    String namespace = key.namespace() == null ? "" : key.namespace();
    return Math.floorMod((namespace + "/" + key.name()).hashCode(), COUNT);
  }
}
