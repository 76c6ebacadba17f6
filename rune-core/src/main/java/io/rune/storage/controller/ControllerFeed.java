package io.rune.storage.controller;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.store.Change;
import io.rune.storage.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What a controller of this node hears: every change of this node's change feed, and a resync
 * when it gains shards, every {@code resyncInterval}, and once it is listening (for what a
 * missed notification, a crash or the shards' former holder left).
 */
final class ControllerFeed {
  private final Vertx vertx;
  private final MessageConsumer<Change> changes;
  private final MessageConsumer<Object> gained;
  private final Runnable resync;
  private final long resyncTimer;

  /** Listens on the calling verticle's context. */
  ControllerFeed(Vertx vertx, Consumer<Change> onChange, Runnable resync, Duration resyncInterval) {
    this.vertx = vertx;
    this.resync = resync;
    changes = vertx.eventBus().localConsumer(ChangeFeed.LOCAL_ADDRESS, message -> onChange.accept(message.body()));
    gained = vertx.eventBus().localConsumer(ShardOwnership.GAINED_ADDRESS, message -> resync.run());
    long every = resyncInterval.toMillis();
    resyncTimer = vertx.setPeriodic(every, every, id -> resync.run());
  }

  /** Completes once the consumers are registered, and starts the first resync then. */
  Future<?> listening() {
    return Future.all(changes.completion(), gained.completion()).onSuccess(v -> resync.run());
  }

  Future<?> close() {
    vertx.cancelTimer(resyncTimer);
    return Future.join(changes.unregister(), gained.unregister());
  }
}
