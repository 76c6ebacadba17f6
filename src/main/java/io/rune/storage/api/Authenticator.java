package io.rune.storage.api;

import io.rune.storage.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a bearer secret into a Principal. Lookups are cached briefly so that a busy
 * client does not cost a database round trip per request.
 *
 * <p>A deleted token stops working at once on the node that deleted it, on every other node
 * sharing the database as soon as the deletion's notification arrives (see
 * {@link ChangeFeed#TOKEN_REVOKED_ADDRESS}), and, should a notification be lost, at most
 * {@link #CACHE_MILLIS} after the deletion, when the cached lookup expires.
 */
public final class Authenticator {
  static final long CACHE_MILLIS = 5_000;
  private static final int CACHE_LIMIT = 10_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private record Cached(Principal principal, long expiresAt) {}

  private final Vertx vertx;
  private final TokenStore tokens;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Authenticator(Vertx vertx, TokenStore tokens) {
    this.vertx = vertx;
    this.tokens = tokens;
    vertx.eventBus().<String>localConsumer(ChangeFeed.TOKEN_REVOKED_ADDRESS, message -> forget(message.body()));
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

  /**
   * Tells this node that a token was deleted here: its cached lookups go and its watches
   * close now, without waiting for the database's notification (which the other nodes get).
   */
  public void revoked(String tokenId) {
    vertx.eventBus().publish(ChangeFeed.TOKEN_REVOKED_ADDRESS, tokenId, LOCAL);
  }

  private void forget(String tokenId) {
    cache.values().removeIf(cached -> cached.principal.tokenId().equals(tokenId));
  }
}
