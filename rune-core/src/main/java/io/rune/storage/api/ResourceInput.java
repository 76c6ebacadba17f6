package io.rune.storage.api;

import java.util.Map;

/**
 * A resource as a client wrote it, split into metadata and the kind's spec record.
 * {@code resourceVersion} is null when the client sent none.
 */
public record ResourceInput<S>(String name, String namespace, Map<String, String> labels,
    Long resourceVersion, S spec) {}
