package io.rune.storage.api;

import io.rune.storage.store.ChangeFeed;
import io.rune.storage.store.WatchFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each change of the feed to the watch sessions of this node, one event-bus consumer per
 * event loop rather than one per session: a change costs each event loop one task, and each
 * session a filter and a write of the frame every session shares ({@link WatchFrame}).
 *
 * <p>Sessions join and leave on their socket's context, where their group's consumer runs too,
 * so a group is touched by one thread only; the map of groups is the one thing shared.
 */
final class WatchFanout {
  private final Vertx vertx;
  private final Map<Context, Group> groups = new ConcurrentHashMap<>();

  WatchFanout(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Adds {@code session} to the group of {@code context}, the current one (its socket's); the
   * future completes once its group receives the feed (changes after that reach it in order).
   */
  Future<Void> join(Context context, WatchSession session) {
    Group group = groups.computeIfAbsent(context, c -> new Group());
    group.sessions.add(session);
    return group.consumer.completion();
  }

  /**
   * Removes {@code session} from the group of {@code context}, on that context; the last session
   * of a group takes the group's consumer with it.
   */
  void leave(Context context, WatchSession session) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> leave(context, session));
      return;
    }
    Group group = groups.get(context);
    if (group == null || !group.sessions.remove(session) || !group.sessions.isEmpty()) {
      return;
    }
    groups.remove(context);
    group.consumer.unregister();
  }

  private final class Group {
    /** In joining order; only this group's context reads or changes it. */
    final Set<WatchSession> sessions = new LinkedHashSet<>();
    final MessageConsumer<WatchFrame> consumer;

    Group() {
      // Registered from the context itself (join runs there), so the consumer runs on it.
      consumer = vertx.eventBus().localConsumer(ChangeFeed.WATCH_ADDRESS, message -> deliver(message.body()));
    }

    private void deliver(WatchFrame frame) {
      // A copy: a session may leave while it is handed the frame (a slow consumer closes).
      for (WatchSession session : sessions.toArray(WatchSession[]::new)) {
        session.onLive(frame);
      }
    }
  }
}
