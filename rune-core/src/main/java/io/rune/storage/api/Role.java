package io.rune.storage.api;

import java.util.Arrays;
import java.util.Optional;

/** The roles of API.md, from most to least powerful. */
public enum Role {
  admin,
  readwrite,
  readonly;

  public static Optional<Role> parse(String value) {
    return Arrays.stream(values()).filter(r -> r.name().equals(value)).findFirst();
  }
}
