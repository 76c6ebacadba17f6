package io.rune.storage.driver;

import io.rune.storage.security.HostPathPolicy;
import java.nio.file.Path;

/**
 * The server's {@code [storage]} settings that drivers of directories act on (STORAGE.md).
 *
 * @param localVolumeRoot where managed volumes live
 * @param allowCreateMissing whether a missing host directory is created rather than refused
 * @param preserveOnDelete whether deleting a volume keeps its data (retain instead)
 * @param hostPaths which host directories volumes may name, and which never
 */
public record StorageSettings(Path localVolumeRoot, boolean allowCreateMissing, boolean preserveOnDelete,
    HostPathPolicy hostPaths) {}
