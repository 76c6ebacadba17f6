package io.rune.storage.controller;

import java.time.Duration;

/**
 * What a reconcile asks of its queue: nothing more (the object is where it should be, or
 * waits for a person), or another look after a delay.
 */
public record Outcome(Duration requeueAfter) {
  public static final Outcome DONE = new Outcome(null);

  public static Outcome again(Duration after) {
    return new Outcome(after.isNegative() ? Duration.ZERO : after);
  }

  /** At once: the row changed under us, read it again. */
  public static Outcome againNow() {
    return new Outcome(Duration.ZERO);
  }

  public boolean done() {
    return requeueAfter == null;
  }
}
