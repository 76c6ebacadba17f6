package io.rune.storage.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A change with its watch frame, encoded once for every watcher of the node: the feed publishes
 * one of these per change, and every watcher it passes the filters of writes the same bytes.
 */
public final class WatchFrame {
  private final Change change;
  /** The frame as JSON, never changed after it is made (event-bus consumers of it get copies). */
  private final JsonObject frame;
  /** Racy on purpose: two event loops encoding at once both get the same bytes, one is kept. */
  private volatile Buffer encoded;

  public WatchFrame(Change change) {
    this(change, change.toFrame());
  }

  /** With {@code frame}, {@code change}'s frame as the caller already built it. */
  public WatchFrame(Change change, JsonObject frame) {
    this.change = change;
    this.frame = frame;
  }

  public Change change() {
    return change;
  }

  /**
   * The frame's JSON as UTF-8, encoded on the first call (on the event loop of the first
   * watcher that wants it, not the feed's) and shared after; never modify it.
   */
  public Buffer encoded() {
    Buffer bytes = encoded;
    if (bytes == null) {
      bytes = frame.toBuffer();
      encoded = bytes;
    }
    return bytes;
  }
}
