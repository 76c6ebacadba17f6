package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the status records of every kind ({@link VolumeStatus}, {@link SnapshotStatus},
 * {@link ServiceStatus}) share: a phase, the time it was entered, and their JSON form.
 *
 * @param <S> the record itself, so that a change gives back the same kind of status
 */
public interface ObjectStatus<S extends ObjectStatus<S>> {
  Enum<?> phase();

  Instant lastTransitionAt();

  S withLastTransitionAt(Instant lastTransitionAt);

  JsonObject toJson();
}
