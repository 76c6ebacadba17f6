package io.rune.storage.model;

import java.util.Arrays;
import java.util.Optional;

/** What happens to the storage when its Volume is deleted. */
public enum ReclaimPolicy {
  retain,
  delete;

  public static Optional<ReclaimPolicy> parse(String value) {
    return Arrays.stream(values()).filter(p -> p.name().equals(value)).findFirst();
  }
}
