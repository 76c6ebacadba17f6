package io.rune.storage.drivers.digitalocean.fake;

/**
 * A volume action the {@link FakeCloud} holds, with what a fault did to it: held in progress
 * for some polls or until released, or bound to end errored.
 */
final class RunningAction {
  DoAction action;
  int pollsLeft;
  boolean untilReleased;
  boolean endsErrored;

  RunningAction(DoAction action) {
    this.action = action;
  }

  boolean held() {
    return untilReleased || pollsLeft > 0;
  }
}
