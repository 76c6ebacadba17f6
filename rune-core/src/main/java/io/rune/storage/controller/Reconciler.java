package io.rune.storage.controller;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.ObjectKey;
import io.vertx.core.Future;

/**
 * Moves one object one step towards what its row asks for, reading the row itself: a
 * level-based reconciler, so being called twice or late is harmless.
 */
public interface Reconciler {
  Future<Outcome> reconcile(ObjectKey key);

  /**
   * As {@link #reconcile(ObjectKey)}, given the object as the change feed brought it (null
   * when it brought none that is current): a reconciler may step from it instead of reading
   * the row, since its write is conditional on that version and a conflict makes the next
   * pass read. By default it reads.
   */
  default Future<Outcome> reconcile(ObjectKey key, ApiObject delivered) {
    return reconcile(key);
  }
}
