package io.rune.storage.api;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.impl.clustered.ClusteredMessage;

/**
 * Where an event-bus message was sent from: this JVM, or another member of a clustered bus.
 *
 * <p>Vert.x has no public API for this. It asks {@link ClusteredMessage#isFromWire()} itself
 * (ClusteredEventBus decides with it whether a message is local), so this class does the
 * same; it is the only place Rune touches Vert.x internals, and {@code MessageOriginIT}
 * breaks if an upgrade moves it. A message of a non-clustered bus is a plain
 * {@code MessageImpl}, always local; one read from another member's TCP connection is a
 * {@code ClusteredMessage} marked from the wire, whatever headers its sender wrote.
 */
public final class MessageOrigin {

  private MessageOrigin() {}

  /** True when another cluster member sent {@code message} over the wire. */
  public static boolean fromAnotherMember(Message<?> message) {
    return message instanceof ClusteredMessage<?, ?> clustered && clustered.isFromWire();
  }
}
