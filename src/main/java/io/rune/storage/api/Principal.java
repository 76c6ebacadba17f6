package io.rune.storage.api;

import io.rune.storage.model.Kind;
import java.util.Set;
import java.util.TreeSet;

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

  /**
   * Refuses a token with more rights than this one: a higher role, or namespaces outside
   * this token's own. It is the one rule for every way a token comes to exist or is managed
   * (REST's /tokens is the only one today: the event bus and /apply carry resource kinds,
   * never tokens), so a narrower token can never widen itself through another.
   */
  public void checkMayGrant(Role role, Set<String> namespaces) {
    String refusal = grantRefusal(role, namespaces);
    if (refusal != null) {
      throw ApiException.forbidden(refusal);
    }
  }

  /** Whether a token with this role and these namespaces has no more rights than this one. */
  public boolean mayGrant(Role role, Set<String> namespaces) {
    return grantRefusal(role, namespaces) == null;
  }

  private String grantRefusal(Role role, Set<String> wanted) {
    if (role.compareTo(this.role) < 0) {
      return "the role " + role + " has more rights than this token's role " + this.role
          + "; ask a token with the role " + role + " or higher";
    }
    if (namespaces.isEmpty()) {
      return null;
    }
    Set<String> own = new TreeSet<>(namespaces);
    if (wanted.isEmpty()) {
      return "this token is scoped to namespaces " + own + ", and a token without namespaces would reach"
          + " every namespace; name some of " + own + " in 'namespaces'";
    }
    Set<String> outside = new TreeSet<>(wanted);
    outside.removeAll(namespaces);
    if (!outside.isEmpty()) {
      return "namespaces " + outside + " are outside this token's namespaces " + own
          + "; a token may only grant namespaces of its own";
    }
    return null;
  }

  public void checkAdmin(String what) {
    if (!isAdmin()) {
      throw ApiException.forbidden(what + " needs an admin token; this token's role is " + role);
    }
  }
}
