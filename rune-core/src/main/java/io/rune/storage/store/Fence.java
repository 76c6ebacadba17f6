package io.rune.storage.store;

/**
 * What a controller's status write carries: the shard whose lease it works under, the node
 * that holds it and the epoch it was granted. The write's own statement checks that the
 * lease is still this one and unexpired by the database's clock, so a node that lost the
 * lease (paused, partitioned) changes nothing.
 */
public record Fence(int shard, String holder, long epoch) {}
