package io.rune.storage.cli;

import io.rune.storage.model.Kind;
import java.util.Locale;

/** The kinds the CLI lists and gets, with the words and paths each uses (from the server's {@link Kind}). */
enum ResourceType {
  STORAGE_CLASS(Kind.STORAGE_CLASS),
  VOLUME(Kind.VOLUME),
  SNAPSHOT(Kind.SNAPSHOT),
  SERVICE(Kind.SERVICE),
  SECRET(Kind.SECRET);

  private final Kind kind;
  private final String word;
  private final String plural;
  private final boolean namespaced;

  ResourceType(Kind kind) {
    this.kind = kind;
    this.word = kind.kindName().toLowerCase(Locale.ROOT);
    this.plural = kind.plural();
    this.namespaced = kind.namespaced();
  }

  Kind kind() {
    return kind;
  }

  /** The kind's name as the API and watch frames spell it, e.g. "StorageClass". */
  String kindName() {
    return kind.kindName();
  }

  /** The type of a watch frame's or apply result's {@code kind} ("Volume"), if the CLI knows it. */
  static java.util.Optional<ResourceType> ofKindName(String kindName) {
    return java.util.Arrays.stream(values()).filter(t -> t.kind.kindName().equals(kindName)).findFirst();
  }

  /** The words a person may type for a kind on the command line: volume, volumes, vol. */
  static java.util.Optional<ResourceType> ofWord(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    return java.util.Arrays.stream(values()).filter(t -> lower.equals(t.word) || lower.equals(t.plural)
        || lower.equals(t.shortWord())).findFirst();
  }

  /** The short spelling, as the command aliases have it. */
  String shortWord() {
    return switch (this) {
      case STORAGE_CLASS -> "sc";
      case VOLUME -> "vol";
      case SNAPSHOT -> "snap";
      case SERVICE -> "svc";
      case SECRET -> "secret";
    };
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
