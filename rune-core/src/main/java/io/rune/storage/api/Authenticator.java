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
 *
 * <p>An expiring token is never cached past its expiry: the cached lookup ends at the
 * earlier of the two, measured from when the lookup was sent with the time the database's
 * clock gave the token then. So every node refuses it from the moment the database's clock
 * passes its expiry (give or take one lookup's round trip), whatever the nodes' own clocks say.
 */
public final class Authenticator {
  static final long CACHE_MILLIS = 5_000;
  private static final int CACHE_LIMIT = 10_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private static final long CACHE_NANOS = CACHE_MILLIS * 1_000_000;

  /** A lookup that may be reused until {@code System.nanoTime()} reaches {@code until}. */
  private record Cached(Principal principal, long until) {}

  private final Vertx vertx;
  private final TokenStore tokens;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** How long the watches of one token on this node share a lookup of it (see {@link #recheck}). */
  static final long RECHECK_SHARE_MILLIS = 1_000;
  private static final long RECHECK_SHARE_NANOS = RECHECK_SHARE_MILLIS * 1_000_000;

  /** A shared lookup, sent at {@code asked}; its answer notes when it came. */
  private record Recheck(Future<Answered> answer, long asked) {}

  private record Answered(TokenStore.Lookup lookup, long at) {}

  private final Map<String, Recheck> rechecks = new ConcurrentHashMap<>();

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
    long asked = System.nanoTime();
    Cached cached = cache.get(secret);
    if (cached != null && asked - cached.until < 0) {
      return Future.succeededFuture(cached.principal);
    }
    return tokens.find(secret).compose(found -> {
      if (!found.found() || found.expired()) {
        cache.remove(secret);
        return Future.failedFuture(ApiException.unauthenticated(found.found()
            ? "this token expired at " + found.principal().expiresAt() + "; ask an admin for a new one"
            : "unknown token: check the token, or ask an admin for a new one"));
      }
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      // From when the lookup was sent: the database measured the time left no earlier than that.
      long until = asked + (found.left() == null ? CACHE_NANOS : Math.min(CACHE_NANOS, found.left().toNanos()));
      cache.put(secret, new Cached(found.principal(), until));
      return Future.succeededFuture(found.principal());
    });
  }

  /**
   * A watch's token as it is now, for the watches' periodic checks. The watches of one token
   * on this node share one lookup for {@link #RECHECK_SHARE_MILLIS}, so the database is asked
   * about a token about once a second however many watches use it, not once per watch per
   * interval. The time left is counted down from when the shared answer came, which is no
   * earlier than the database measured it, so an expiry timer set from it is never early.
   */
  public Future<TokenStore.Lookup> recheck(Principal principal) {
    long now = System.nanoTime();
    if (rechecks.size() >= CACHE_LIMIT) {
      rechecks.clear();
    }
    Recheck shared = rechecks.compute(principal.tokenId(), (id, current) ->
        current != null && now - current.asked < RECHECK_SHARE_NANOS ? current
            : new Recheck(tokens.find(principal).map(lookup -> new Answered(lookup, System.nanoTime())), now));
    return shared.answer.map(answered -> {
      TokenStore.Lookup lookup = answered.lookup;
      long since = System.nanoTime() - answered.at;
      return lookup.left() == null || since <= 0 ? lookup
          : new TokenStore.Lookup(lookup.principal(), lookup.left().minusNanos(since));
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
    rechecks.remove(tokenId);
  }
}
