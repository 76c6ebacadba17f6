package io.rune.storage.driver;

/** Mount the attached {@code device} of volume {@code handle} at {@code target} on {@code node}. */
public record MountRequest(String handle, String node, String device, String target, boolean readOnly,
    String fsType) {}
