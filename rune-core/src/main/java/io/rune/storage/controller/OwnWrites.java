package io.rune.storage.controller;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest version at which this node's controllers wrote each object, kept until the change
 * feed brings that version back: a change older than it is already history (the controller
 * moved the object on since), so it is no work and no object to reconcile from. Bounded by the
 * writes the feed has not yet brought back.
 */
final class OwnWrites {
  private final Map<ObjectKey, Long> newest = new ConcurrentHashMap<>();
  /** The kind whose controller follows these writes (and lets them go as the feed brings them back). */
  private final Kind kind;

  OwnWrites(Kind kind) {
    this.kind = kind;
  }

  void wrote(ApiObject written) {
    if (written.kind() != kind) {
      return;
    }
    newest.merge(new ObjectKey(written.namespace(), written.name()), written.resourceVersion(), Math::max);
  }

  /** Whether this node wrote the object at a version after {@code version}. */
  boolean overtaken(ObjectKey key, long version) {
    Long written = newest.get(key);
    return written != null && written > version;
  }

  /** The feed brought the object at {@code version}: writes up to it need no remembering. */
  void delivered(ObjectKey key, long version) {
    newest.computeIfPresent(key, (k, written) -> written <= version ? null : written);
  }
}
