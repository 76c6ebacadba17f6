package io.rune.storage.controller;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.store.Change;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The changes that are only a usage refresher's own status write (new figures in
 * status.usage): no controller has work in them (STORAGE.md: a controller's own status write
 * never triggers work), and a bound volume's service, or a scheduled volume, would otherwise be
 * reconciled again at every measurement.
 *
 * <p>The write is expected before it is made (the change feed may deliver it before the write
 * completes), as the whole object it leaves; the change that is that object is its echo, known
 * by its sequence number from then on (each controller of this node asks, in its own time).
 * Shared by the controllers of this node, on their own event loops; one entry per volume
 * measured here.
 */
final class UsageEchoes {
  /** Fields every write sets anew, so not compared. */
  private static final String[] STAMPS = {"resourceVersion", "updatedAt"};

  private final Map<ObjectKey, Expected> expected = new ConcurrentHashMap<>();

  /** The object a usage write leaves, and the sequence number of its change once one was seen (else -1). */
  private record Expected(JsonObject object, long seq) {}

  /** The next change of this volume is the write of {@code written}, if the write succeeds. */
  void expect(ApiObject written) {
    expected.put(new ObjectKey(written.namespace(), written.name()), new Expected(comparable(written.toJson()), -1));
  }

  /** Whether {@code change} is the echo of an expected usage write. */
  boolean isEcho(Change change) {
    if (change.kind() != Kind.VOLUME || change.type() != Change.Type.MODIFIED) {
      return false;
    }
    ObjectKey key = new ObjectKey(change.namespace(), change.name());
    Expected seen = expected.computeIfPresent(key, (k, e) -> e.seq() < 0 && e.object().equals(comparable(change.object()))
        ? new Expected(e.object(), change.seq()) : e);
    return seen != null && seen.seq() == change.seq();
  }

  /** Stops expecting anything of {@code key} (it is no longer measured here). */
  void forget(ObjectKey key) {
    expected.remove(key);
  }

  private static JsonObject comparable(JsonObject object) {
    JsonObject copy = object.copy();
    for (String stamp : STAMPS) {
      copy.remove(stamp);
    }
    return copy;
  }
}
