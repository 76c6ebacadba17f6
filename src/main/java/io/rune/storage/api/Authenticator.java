package io.rune.storage.api;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a bearer secret into a Principal. Lookups are cached briefly so that a busy
 * client does not cost a database round trip per request; a deleted token stops working
 * within {@link #CACHE_MILLIS}.
 */
public final class Authenticator {
  static final long CACHE_MILLIS = 5_000;
  private static final int CACHE_LIMIT = 10_000;

  private record Cached(Principal principal, long expiresAt) {}

  private final TokenStore tokens;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Authenticator(TokenStore tokens) {
    this.tokens = tokens;
  }

  public Future<Principal> authenticate(String secret) {
    if (secret == null || secret.isBlank()) {
      return Future.failedFuture(ApiException.unauthenticated(
          "no token: send 'Authorization: Bearer <token>' (the first admin token is in <dataDir>/admin.token)"));
    }
    long now = System.currentTimeMillis();
    Cached cached = cache.get(secret);
    if (cached != null && cached.expiresAt > now) {
      return Future.succeededFuture(cached.principal);
    }
    return tokens.find(secret).compose(principal -> {
      if (principal == null) {
        cache.remove(secret);
        return Future.failedFuture(ApiException.unauthenticated(
            "unknown token: check the token, or ask an admin for a new one"));
      }
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(secret, new Cached(principal, now + CACHE_MILLIS));
      return Future.succeededFuture(principal);
    });
  }

  /** Forget cached lookups, e.g. after a token was deleted on this node. */
  public void invalidate() {
    cache.clear();
  }
}
