package io.rune.storage.driver;

/** A new volume (described as for provisioning) populated from {@code snapshotHandle}. */
public record RestoreRequest(String snapshotHandle, ProvisionRequest volume) {}
