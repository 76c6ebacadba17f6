package io.rune.storage.model;

import java.util.Arrays;
import java.util.Optional;

/** How many nodes may use a volume, and how. Input may use the short names RWO, ROX and RWX. */
public enum AccessMode {
  ReadWriteOnce("RWO"),
  ReadOnlyMany("ROX"),
  ReadWriteMany("RWX");

  private final String shortName;

  AccessMode(String shortName) {
    this.shortName = shortName;
  }

  public static Optional<AccessMode> parse(String value) {
    return Arrays.stream(values()).filter(m -> m.name().equals(value)).findFirst();
  }

  /**
   * The full name of a mode written by its short name (RWO, ROX, RWX), so that it is stored
   * and shown as the full name; anything else (a full name, null, or what no mode is) as given.
   */
  public static String fullName(String value) {
    return Arrays.stream(values()).filter(m -> m.shortName.equals(value)).findFirst()
        .map(Enum::name).orElse(value);
  }
}
