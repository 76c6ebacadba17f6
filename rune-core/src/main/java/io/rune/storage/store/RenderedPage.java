package io.rune.storage.store;

import java.util.List;

/** A page of objects already rendered as API JSON, for answering lists without rebuilding them. */
public record RenderedPage(List<String> items, String continueToken, long resourceVersion) {}
