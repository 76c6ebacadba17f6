package io.rune.storage.store;

/** The newest sequence number and the last one removed by compaction. */
public record ChangeLogBounds(long latestSeq, long compactedThrough) {}
