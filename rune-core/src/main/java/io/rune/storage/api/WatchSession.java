package io.rune.storage.api;

import io.rune.storage.store.Change;
import io.rune.storage.store.ChangeFeed;
import io.rune.storage.store.Store;
import io.rune.storage.store.WatchFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher on a WebSocket: replays the log after sinceSeq, then streams live changes,
 * in order, without gaps or duplicates.
 *
 * <p>It subscribes to the live feed before it reads history, holding live changes back
 * until the replay has caught up, and then skips any sequence it has already passed: the
 * feed and the log carry the same gap-free sequence, so the seam can neither lose nor
 * repeat a change.
 *
 * <p>A watch lives no longer than its token: when the token is deleted (on any node: see
 * {@link ChangeFeed#TOKEN_REVOKED_ADDRESS}) it ends with an Unauthenticated frame and the
 * WebSocket code 1008. Should that notice be lost, the watch also re-checks its token once
 * per bookmark interval, which bounds how long it can outlive the token.
 *
 * <p>Nor does a watch outlive its token's expiry: its first token check reads, by the
 * database's clock, how long the token has left and sets a timer that ends the watch the
 * same way when it runs out (at the expiry, plus the check's return trip at most).
 */
final class WatchSession {
  private static final Logger log = LoggerFactory.getLogger(WatchSession.class);
  private static final int REPLAY_PAGE = 500;
  private static final short NORMAL_CLOSURE = 1000;
  private static final short POLICY_VIOLATION = 1008;

  private final Vertx vertx;
  private final Store store;
  private final Authenticator authenticator;
  private final ServerWebSocket socket;
  private final WatchRequest request;
  private final Duration bookmarkInterval;
  private final int maxQueued;

  private final WatchFanout fanout;
  private final Context context;
  private final ArrayDeque<WatchFrame> heldBack = new ArrayDeque<>();
  private boolean joined;
  private MessageConsumer<String> revocations;
  /** Never, until the check at the start, which catches a token deleted or expired while the watch opened. */
  private long tokenCheckedAt = Long.MIN_VALUE;
  private boolean checkingToken;
  private boolean live;
  private boolean closed;
  private long lastSeq;
  private long lastDelivered;
  private long lastFrameAt = System.nanoTime();
  private long bookmarkTimer = -1;
  private long expiryTimer = -1;
  private int inFlight;

  WatchSession(Vertx vertx, Store store, Authenticator authenticator, ServerWebSocket socket, WatchRequest request,
      Duration bookmarkInterval, int maxQueued, WatchFanout fanout) {
    this.vertx = vertx;
    this.fanout = fanout;
    this.context = vertx.getOrCreateContext();
    this.store = store;
    this.authenticator = authenticator;
    this.socket = socket;
    this.request = request;
    this.bookmarkInterval = bookmarkInterval;
    this.maxQueued = maxQueued;
  }

  Future<Void> start() {
    socket.closeHandler(v -> cleanUp());
    socket.textMessageHandler(ignored -> { }); // watchers only listen
    joined = true;
    Future<Void> fed = fanout.join(context, this);
    revocations = vertx.eventBus().localConsumer(ChangeFeed.TOKEN_REVOKED_ADDRESS, message -> {
      if (message.body().equals(request.principal().tokenId())) {
        tokenGone("was deleted", "token deleted");
      }
    });
    return Future.all(fed, revocations.completion())
        .compose(v -> {
          maybeCheckToken(); // now rather than at the first tick, to set the expiry timer
          return store.bounds();
        })
        .compose(bounds -> {
          if (request.sinceSeq() == null) {
            lastSeq = bounds.latestSeq();
            lastDelivered = lastSeq;
            return goLive();
          }
          if (request.sinceSeq() < bounds.compactedThrough()) {
            finish(new JsonObject().put("type", "ERROR").put("code", "Compacted")
                .put("seq", bounds.compactedThrough() + 1)
                .put("message", "changes after " + request.sinceSeq() + " are no longer kept;"
                    + " list again and watch from the list's resourceVersion"));
            return Future.succeededFuture();
          }
          lastSeq = request.sinceSeq();
          lastDelivered = lastSeq;
          return replay();
        })
        .onFailure(err -> {
          // Most likely the database is unreachable: say so and where to resume from.
          log.debug("Watch failed: {}", err.getMessage());
          finish(new JsonObject().put("type", "ERROR").put("code", "StoreUnavailable").put("seq", lastDelivered)
              .put("message", "the watch could not read the change log; resume with sinceSeq=" + lastDelivered));
        })
        .onSuccess(v -> {
          if (closed) {
            return; // ended while starting (compacted, or its token gone): no timer to leave behind
          }
          bookmarkTimer = vertx.setPeriodic(Math.max(50, bookmarkInterval.toMillis() / 2), id -> {
            maybeBookmark();
            maybeCheckToken();
          });
        });
  }

  private Future<Void> replay() {
    if (closed) {
      return Future.succeededFuture();
    }
    return store.changesAfter(lastSeq, REPLAY_PAGE).compose(page -> {
      // Replayed changes are this watcher's alone: each is encoded for it.
      deliverAll(page.stream().map(WatchFrame::new).toList());
      return page.size() == REPLAY_PAGE ? replay() : goLive();
    });
  }

  /** Switches to live changes; the first BOOKMARK tells the client it has caught up. */
  private Future<Void> goLive() {
    live = true;
    List<WatchFrame> held = List.copyOf(heldBack);
    heldBack.clear();
    deliverAll(held);
    if (!closed) {
      send(new JsonObject().put("type", "BOOKMARK").put("seq", lastSeq));
    }
    return Future.succeededFuture();
  }

  /** A change of the live feed, from {@link WatchFanout} on this session's context. */
  void onLive(WatchFrame frame) {
    if (closed) {
      return;
    }
    if (!live) {
      heldBack.add(frame);
      if (heldBack.size() > maxQueued) {
        slowConsumer();
      }
      return;
    }
    deliver(frame);
  }

  private void deliverAll(List<WatchFrame> frames) {
    for (WatchFrame frame : frames) {
      deliver(frame);
    }
  }

  private void deliver(WatchFrame frame) {
    Change change = frame.change();
    if (closed || change.seq() <= lastSeq) {
      return;
    }
    lastSeq = change.seq();
    if (!request.wants(change)) {
      return;
    }
    if (inFlight >= maxQueued) {
      slowConsumer();
      return;
    }
    send(frame.encoded());
    lastDelivered = change.seq();
  }

  private void send(JsonObject frame) {
    send(frame.toBuffer());
  }

  private void send(Buffer utf8) {
    inFlight++;
    lastFrameAt = System.nanoTime();
    SharedTextFrames.write(socket, utf8).onComplete(done -> inFlight--);
  }

  private void maybeBookmark() {
    if (live && !closed && System.nanoTime() - lastFrameAt >= bookmarkInterval.toNanos()) {
      send(new JsonObject().put("type", "BOOKMARK").put("seq", lastSeq));
    }
  }

  /**
   * The backstop for a lost revocation notice, and how the watch learns when its token
   * expires; a failed check (the database away) waits for the next.
   */
  private void maybeCheckToken() {
    if (closed || checkingToken
        || (tokenCheckedAt != Long.MIN_VALUE && System.nanoTime() - tokenCheckedAt < bookmarkInterval.toNanos())) {
      return;
    }
    checkingToken = true;
    authenticator.recheck(request.principal()).onComplete(result -> {
      checkingToken = false;
      tokenCheckedAt = System.nanoTime();
      if (result.failed()) {
        return;
      }
      TokenStore.Lookup token = result.result();
      if (!token.found()) {
        tokenGone("was deleted", "token deleted");
      } else if (token.expired()) {
        tokenExpired();
      } else if (token.left() != null && expiryTimer < 0 && !closed) {
        // Counted from the answer, which came after the database measured the time left: never early.
        expiryTimer = vertx.setTimer(token.left().toMillis() + 1, id -> tokenExpired());
      }
    });
  }

  private void tokenExpired() {
    tokenGone("expired at " + request.principal().expiresAt(), "token expired");
  }

  private void tokenGone(String what, String reason) {
    finish(new JsonObject().put("type", "ERROR").put("code", "Unauthenticated").put("seq", lastDelivered)
        .put("message", "the token of this watch " + what + "; watch again with another token, from sinceSeq="
            + lastDelivered), POLICY_VIOLATION, reason);
  }

  private void slowConsumer() {
    finish(new JsonObject().put("type", "ERROR").put("code", "SlowConsumer").put("seq", lastDelivered)
        .put("message", "this watcher fell too far behind; resume with sinceSeq=" + lastDelivered));
  }

  /** Sends a last frame and closes; the frame is written before the close frame. */
  private void finish(JsonObject lastFrame) {
    finish(lastFrame, NORMAL_CLOSURE, null);
  }

  private void finish(JsonObject lastFrame, short closeCode, String reason) {
    if (closed) {
      return;
    }
    cleanUp();
    socket.writeTextMessage(lastFrame.encode()).eventually(() -> socket.close(closeCode, reason));
  }

  private void cleanUp() {
    if (closed) {
      return;
    }
    closed = true;
    heldBack.clear();
    if (bookmarkTimer >= 0) {
      vertx.cancelTimer(bookmarkTimer);
    }
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    if (joined) {
      fanout.leave(context, this);
    }
    if (revocations != null) {
      revocations.unregister();
    }
  }
}
