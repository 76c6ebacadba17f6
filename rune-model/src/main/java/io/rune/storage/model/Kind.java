package io.rune.storage.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The resource kinds this server stores, with the names each door uses for them. */
public enum Kind {
  STORAGE_CLASS("StorageClass", "storageclasses", false),
  VOLUME("Volume", "volumes", true),
  SNAPSHOT("Snapshot", "snapshots", true),
  SERVICE("Service", "services", true),
  SECRET("Secret", "secrets", true);

  private final String kindName;
  private final String plural;
  private final boolean namespaced;

  Kind(String kindName, String plural, boolean namespaced) {
    this.kindName = kindName;
    this.plural = plural;
    this.namespaced = namespaced;
  }

  /** The name in JSON and in the database, e.g. "StorageClass". */
  public String kindName() {
    return kindName;
  }

  /** The path segment and event-bus word, e.g. "storageclasses". */
  public String plural() {
    return plural;
  }

  public boolean namespaced() {
    return namespaced;
  }

  public static Optional<Kind> fromKindName(String name) {
    return Arrays.stream(values()).filter(k -> k.kindName.equals(name)).findFirst();
  }

  public static Optional<Kind> fromPlural(String plural) {
    return Arrays.stream(values()).filter(k -> k.plural.equals(plural)).findFirst();
  }

  /**
   * The top-level key of a YAML document ("volume:", "storageClass:", "storageclass:"),
   * compared without case so that both spellings people write are understood.
   */
  public static Optional<Kind> fromDocumentKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(kind -> kind.kindName.toLowerCase(Locale.ROOT).equals(k) || kind.plural.equals(k))
        .findFirst();
  }
}
