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

  /** Why the object is in its phase, in one word (null: none said). */
  String reason();

  String message();

  Instant lastTransitionAt();

  S withLastTransitionAt(Instant lastTransitionAt);

  JsonObject toJson();

  /** Whether the object is being deleted (its controller removes it once it has cleaned up). */
  boolean deleting();

  /**
   * Whether something went wrong that the phase alone does not say, so that its reason is
   * worth showing beside it: a failure, or a deletion that keeps failing or stopped.
   */
  boolean troubled();
}
