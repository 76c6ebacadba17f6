package io.rune.storage.model;

import io.vertx.core.json.JsonObject;

/**
 * The one place a status's {@code phase} is read and written as JSON, for the phase enums
 * of the status classes ({@link VolumeStatus}, {@link SnapshotStatus}, {@link ServiceStatus}).
 * Each enum's first constant is the phase of a status that has none yet.
 */
public final class PhaseField {
  /** The field's name, for a reader that is not Vert.x JSON (the CLI's columns). */
  public static final String NAME = "phase";

  private PhaseField() {}

  /** The phase of {@code status} (or of a replica); an unknown word is an IllegalArgumentException. */
  public static <P extends Enum<P>> P read(JsonObject status, Class<P> type) {
    String word = status == null ? null : status.getString(NAME);
    return word == null ? type.getEnumConstants()[0] : Enum.valueOf(type, word);
  }

  /**
   * The phase word as it is, for display only (null when none): a newer server may send one
   * this client has no constant for.
   */
  public static String word(JsonObject status) {
    return status == null ? null : status.getString(NAME);
  }

  /** Sets the phase in {@code status} (a copy being changed) and gives it back. */
  public static JsonObject with(JsonObject status, Enum<?> phase) {
    return status.put(NAME, phase.name());
  }
}
