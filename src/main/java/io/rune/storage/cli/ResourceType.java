package io.rune.storage.cli;

/** The kinds the CLI lists and gets, with the words and paths each uses. */
enum ResourceType {
  STORAGE_CLASS("storageclass", "storageclasses", false),
  VOLUME("volume", "volumes", true),
  SNAPSHOT("snapshot", "snapshots", true);

  private final String word;
  private final String plural;
  private final boolean namespaced;

  ResourceType(String word, String plural, boolean namespaced) {
    this.word = word;
    this.plural = plural;
    this.namespaced = namespaced;
  }

  /** The word in {@code -o name} output and messages, e.g. "volume". */
  String word() {
    return word;
  }

  String plural() {
    return plural;
  }

  boolean namespaced() {
    return namespaced;
  }

  /** The collection in one namespace, or in all namespaces when {@code namespace} is null. */
  String collectionPath(String namespace) {
    if (!namespaced || namespace == null) {
      return "/" + plural;
    }
    return "/namespaces/" + RuneClient.segment(namespace) + "/" + plural;
  }

  String objectPath(String namespace, String name) {
    return collectionPath(namespace) + "/" + RuneClient.segment(name);
  }

  /** "volume/web-data": how kubectl and rune name one object. */
  String qualified(String name) {
    return word + "/" + name;
  }
}
