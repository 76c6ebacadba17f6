package io.rune.storage.api;

import io.rune.storage.model.Kind;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is asking: a token's role, the namespaces it is scoped to (empty means all) and when
 * it expires (null: never). Every door checks the same rules here.
 */
public record Principal(String tokenId, Role role, Set<String> namespaces, Instant expiresAt) {

  /** An embedding application calling over the event bus without a token. */
  public static final Principal SYSTEM = new Principal("system", Role.admin, Set.of());

  public Principal {
    namespaces = Set.copyOf(namespaces);
  }

  /** A principal that never expires. */
  public Principal(String tokenId, Role role, Set<String> namespaces) {
    this(tokenId, role, namespaces, null);
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
   * Refuses a token with more rights than this one: a higher role, namespaces outside this
   * token's own, or a longer life (this token expires, and the other would outlive it). It is
   * the one rule for every way a token comes to exist or is managed (REST's /tokens is the
   * only one today: the event bus and /apply carry resource kinds, never tokens), so a
   * narrower token can never widen itself through another.
   */
  public void checkMayGrant(Role role, Set<String> namespaces, Instant expiresAt) {
    String refusal = grantRefusal(role, namespaces, expiresAt);
    if (refusal != null) {
      throw ApiException.forbidden(refusal);
    }
  }

  /** Whether a token with this role, these namespaces and this expiry (null: never) has no more rights than this one. */
  public boolean mayGrant(Role role, Set<String> namespaces, Instant expiresAt) {
    return grantRefusal(role, namespaces, expiresAt) == null;
  }

  private String grantRefusal(Role role, Set<String> wanted, Instant wantedExpiry) {
    if (role.compareTo(this.role) < 0) {
      return "the role " + role + " has more rights than this token's role " + this.role
          + "; ask a token with the role " + role + " or higher";
    }
    String refusal = namespaceRefusal(wanted);
    return refusal != null ? refusal : expiryRefusal(wantedExpiry);
  }

  private String namespaceRefusal(Set<String> wanted) {
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

  /** Refused rather than shortened to this token's expiry, as namespaces are refused rather than narrowed. */
  private String expiryRefusal(Instant wanted) {
    if (expiresAt == null) {
      return null;
    }
    if (wanted == null) {
      return "this token expires at " + expiresAt + ", and a token without expiry would outlive it;"
          + " send an 'expiresAt' at or before " + expiresAt;
    }
    if (wanted.isAfter(expiresAt)) {
      return "a token expiring at " + wanted + " would outlive this token, which expires at " + expiresAt
          + "; send an 'expiresAt' at or before " + expiresAt;
    }
    return null;
  }

  public void checkAdmin(String what) {
    if (!isAdmin()) {
      throw ApiException.forbidden(what + " needs an admin token; this token's role is " + role);
    }
  }
}
