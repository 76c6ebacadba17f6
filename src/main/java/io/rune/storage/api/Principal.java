package io.rune.storage.api;

import io.rune.storage.model.Kind;
import java.util.Set;

/**
 * Who is asking: a token's role and the namespaces it is scoped to (empty means all).
 * Every door checks the same rules here.
 */
public record Principal(String tokenId, Role role, Set<String> namespaces) {

  /** An embedding application calling over the event bus without a token. */
  public static final Principal SYSTEM = new Principal("system", Role.admin, Set.of());

  public Principal {
    namespaces = Set.copyOf(namespaces);
  }

  public boolean isAdmin() {
    return role == Role.admin;
  }

  /** Null when every namespace is visible, else the visible ones. */
  public Set<String> visibleNamespaces() {
    return namespaces.isEmpty() ? null : namespaces;
  }

  public boolean canSee(String namespace) {
    return namespaces.isEmpty() || namespaces.contains(namespace);
  }

  public void checkRead(Kind kind, String namespace) {
    if (kind.namespaced() && !canSee(namespace)) {
      throw ApiException.forbidden("this token is not allowed in namespace '" + namespace
          + "'; it is scoped to " + namespaces);
    }
  }

  public void checkWrite(Kind kind, String namespace) {
    if (!kind.namespaced() && !isAdmin()) {
      throw ApiException.forbidden("only an admin token may change " + kind.kindName()
          + " objects; this token's role is " + role);
    }
    if (role == Role.readonly) {
      throw ApiException.forbidden("a readonly token may only get, list and watch");
    }
    checkRead(kind, namespace);
  }

  public void checkAdmin(String what) {
    if (!isAdmin()) {
      throw ApiException.forbidden(what + " needs an admin token; this token's role is " + role);
    }
  }
}
