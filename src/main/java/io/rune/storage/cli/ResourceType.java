package io.rune.storage.cli;

import io.rune.storage.model.Kind;
import java.util.Locale;

/** The kinds the CLI lists and gets, with the words and paths each uses (from the server's {@link Kind}). */
enum ResourceType {
  STORAGE_CLASS(Kind.STORAGE_CLASS),
  VOLUME(Kind.VOLUME),
  SNAPSHOT(Kind.SNAPSHOT);

  private final String word;
  private final String plural;
  private final boolean namespaced;

  ResourceType(Kind kind) {
    this.word = kind.kindName().toLowerCase(Locale.ROOT);
    this.plural = kind.plural();
    this.namespaced = kind.namespaced();
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
