package io.rune.storage.api;

import io.rune.storage.model.Kind;
import io.rune.storage.model.Names;
import io.rune.storage.store.Change;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** What a watcher asked for, already checked against its token. */
record WatchRequest(Set<Kind> kinds, String namespace, Long sinceSeq, Principal principal) {

  static WatchRequest parse(String kinds, String namespace, String sinceSeq, Principal principal) {
    Set<Kind> wanted = EnumSet.allOf(Kind.class);
    if (kinds != null && !kinds.isBlank()) {
      wanted = EnumSet.noneOf(Kind.class);
      for (String plural : kinds.split(",")) {
        Kind kind = Kind.fromPlural(plural.trim()).orElseThrow(() -> ApiException.malformedRequest("kinds",
            "unknown kind '" + plural.trim() + "' in kinds; use any of " + Arrays.stream(Kind.values())
                .map(Kind::plural).toList()));
        wanted.add(kind);
      }
    }
    if (namespace != null) {
      Validation.checkRequest(() -> {
        Names.checkName("namespace", namespace);
        return namespace;
      });
      if (!principal.canSee(namespace)) {
        throw ApiException.forbidden("this token is not allowed in namespace '" + namespace + "'");
      }
    }
    Long since = null;
    if (sinceSeq != null) {
      try {
        since = Long.parseLong(sinceSeq);
      } catch (NumberFormatException e) {
        throw ApiException.malformedRequest("sinceSeq", "sinceSeq must be a sequence number from an earlier frame or list");
      }
      if (since < 0) {
        throw ApiException.malformedRequest("sinceSeq", "sinceSeq cannot be negative");
      }
    }
    return new WatchRequest(wanted, namespace, since, principal);
  }

  /** Whether this watcher is shown the change: its kinds, its namespace, its token's scope. */
  boolean wants(Change change) {
    if (!kinds.contains(change.kind())) {
      return false;
    }
    if (!change.kind().namespaced()) {
      return true;
    }
    return (namespace == null || namespace.equals(change.namespace())) && principal.canSee(change.namespace());
  }
}
