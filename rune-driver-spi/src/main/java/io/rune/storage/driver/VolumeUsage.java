package io.rune.storage.driver;

/** Bytes the volume's data takes, and the capacity of what holds it. */
public record VolumeUsage(long usedBytes, long capacityBytes) {}
