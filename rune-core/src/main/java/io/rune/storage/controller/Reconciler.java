package io.rune.storage.controller;

import io.rune.storage.model.ObjectKey;
import io.vertx.core.Future;

/**
 * Moves one object one step towards what its row asks for, reading the row itself: a
 * level-based reconciler, so being called twice or late is harmless.
 */
public interface Reconciler {
  Future<Outcome> reconcile(ObjectKey key);
}
