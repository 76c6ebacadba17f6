package io.rune.storage.model;

import java.util.Arrays;
import java.util.Optional;

public enum AccessMode {
  ReadWriteOnce,
  ReadOnlyMany,
  ReadWriteMany;

  public static Optional<AccessMode> parse(String value) {
    return Arrays.stream(values()).filter(m -> m.name().equals(value)).findFirst();
  }
}
