package io.rune.storage.store;

import io.rune.storage.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the change log and republishes every change, in sequence order, on the event
 * bus: as {@link Change} objects on {@link #LOCAL_ADDRESS} for this node's controllers, as
 * {@link WatchFrame}s on {@link #WATCH_ADDRESS} for its WebSocket watchers (one frame per change,
 * encoded once for all of them), and as watch-frame JSON on {@code rune.events.<kind>}. Publication is
 * local to this node: every node runs its own feed on the shared database, so a clustered
 * bus would otherwise deliver each change once per node.
 *
 * <p>NOTIFY only says "something new"; the feed always reads the log itself from the last
 * sequence it published, so a lost notification (a reconnect, a restart) costs latency,
 * never a change. A slow periodic poll backs that up.
 *
 * <p>The same LISTEN connection hears of deleted tokens ({@link #TOKENS_CHANNEL}, sent by the
 * deleting node's DELETE, so every node sharing the database hears it) and passes their ids
 * on {@link #TOKEN_REVOKED_ADDRESS}, where this node's watches and authentication cache
 * drop them. A lost notification is covered there: watches re-check their token
 * periodically and cached lookups expire.
 */
public final class ChangeFeed {
  public static final String LOCAL_ADDRESS = "rune.internal.changes";
  /** This node's address for each change as a {@link WatchFrame}. */
  public static final String WATCH_ADDRESS = "rune.internal.watch-frames";
  /** The NOTIFY channel of deleted tokens; the payload is the token's id. */
  public static final String TOKENS_CHANNEL = "rune_tokens_revoked";
  /** This node's address for a deleted token's id (a String), from whichever node deleted it. */
  public static final String TOKEN_REVOKED_ADDRESS = "rune.internal.tokens.revoked";
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
  private static final int PAGE = 1000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final String CHANGE_CODEC = "rune.change";
  private static final String FRAME_CODEC = "rune.watch-frame";
  private static final DeliveryOptions LOCAL_CHANGE = new DeliveryOptions().setLocalOnly(true)
      .setCodecName(CHANGE_CODEC);
  private static final DeliveryOptions LOCAL_FRAME = new DeliveryOptions().setLocalOnly(true)
      .setCodecName(FRAME_CODEC);

  private final Vertx vertx;
  private final Store store;
  private final PgConnectOptions listenOptions;
  private final Duration pollInterval;
  private PgSubscriber subscriber;
  private long pollTimer = -1;
  private volatile long lastSeq;
  /** System.nanoTime() of the last read of the log that succeeded. */
  private volatile long lastReadNanos = System.nanoTime();
  private boolean reading;
  private boolean readAgain;

  /**
   * @param listenOptions where to LISTEN for notifications; null to rely on polling alone
   *     (an embedding application that handed in only a pool)
   */
  public ChangeFeed(Vertx vertx, Store store, PgConnectOptions listenOptions, Duration pollInterval) {
    this.vertx = vertx;
    this.store = store;
    this.listenOptions = listenOptions;
    this.pollInterval = pollInterval;
  }

  public static String eventsAddress(Kind kind) {
    return "rune.events." + kind.plural();
  }

  /** The newest sequence published so far. */
  public long lastSeq() {
    return lastSeq;
  }

  /**
   * How long since the feed last read the log successfully; a node whose feed is stale is
   * not ready (its watchers and controllers would miss what other nodes write).
   */
  public java.time.Duration sinceLastRead() {
    return java.time.Duration.ofNanos(System.nanoTime() - lastReadNanos);
  }

  /** Starts from the current head: changes before it are history, served by replay. */
  public Future<Void> start() {
    LocalObjectCodec.register(vertx, CHANGE_CODEC);
    LocalObjectCodec.register(vertx, FRAME_CODEC);
    return store.bounds().compose(bounds -> {
      lastSeq = bounds.latestSeq();
      pollTimer = vertx.setPeriodic(pollInterval.toMillis(), id -> catchUp());
      if (listenOptions == null) {
        return Future.succeededFuture();
      }
      subscriber = PgSubscriber.subscriber(vertx, listenOptions)
          .reconnectPolicy(attempt -> 1000L);
      subscriber.channel(PgStore.CHANNEL)
          .subscribeHandler(v -> catchUp())
          .handler(payload -> catchUp());
      subscriber.channel(TOKENS_CHANNEL)
          .handler(tokenId -> vertx.eventBus().publish(TOKEN_REVOKED_ADDRESS, tokenId, LOCAL));
      return subscriber.connect();
    });
  }

  public Future<Void> stop() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  /** Reads and publishes everything after lastSeq; one read at a time, in order. */
  private void catchUp() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    readAgain = false;
    // The store's reads end within store.requestTimeout (see BoundedPool), so a frozen
    // database holds the feed back only until the next poll, which reads from lastSeq again.
    store.changesAfter(lastSeq, PAGE).onComplete(result -> {
      reading = false;
      if (result.failed()) {
        log.debug("Change feed could not read the log; the next poll retries: {}", result.cause().getMessage());
        return;
      }
      lastReadNanos = System.nanoTime();
      List<Change> changes = result.result();
      changes.forEach(this::publish);
      if (changes.size() == PAGE || readAgain) {
        catchUp();
      }
    });
  }

  private void publish(Change change) {
    lastSeq = change.seq();
    vertx.eventBus().publish(LOCAL_ADDRESS, change, LOCAL_CHANGE);
    // One frame JSON for both: the events address hands its consumers copies of it.
    JsonObject frame = change.toFrame();
    vertx.eventBus().publish(WATCH_ADDRESS, new WatchFrame(change, frame), LOCAL_FRAME);
    vertx.eventBus().publish(eventsAddress(change.kind()), frame, LOCAL);
  }
}
