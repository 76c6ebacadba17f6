package io.rune.storage.store;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes objects between verticles of one node without copying: what the feed publishes
 * ({@link Change}, {@link WatchFrame}) is never modified after it is read from the log.
 * Never sent over the wire.
 */
final class LocalObjectCodec<T> implements MessageCodec<T, T> {
  private final String name;

  private LocalObjectCodec(String name) {
    this.name = name;
  }

  static synchronized void register(Vertx vertx, String name) {
    try {
      vertx.eventBus().registerCodec(new LocalObjectCodec<>(name));
    } catch (IllegalStateException alreadyRegistered) {
      // another feed on the same Vertx registered it first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T object) {
    throw new UnsupportedOperationException(name + " objects are published to this node only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " objects are published to this node only");
  }

  @Override
  public T transform(T object) {
    return object;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
