package io.rune.storage.model;

/** Which object: namespace ("" for cluster-wide kinds) and name. */
public record ObjectKey(String namespace, String name) {

  @Override
  public String toString() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
