package io.rune.storage.store;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes {@link Change} objects between verticles of one node without copying: a change
 * is never modified after it is read from the log. Never sent over the wire.
 */
final class ChangeCodec implements MessageCodec<Change, Change> {
  static final String NAME = "rune.change";

  static synchronized void register(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new ChangeCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another feed on the same Vertx registered it first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, Change change) {
    throw new UnsupportedOperationException("changes are published to this node only");
  }

  @Override
  public Change decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("changes are published to this node only");
  }

  @Override
  public Change transform(Change change) {
    return change;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
