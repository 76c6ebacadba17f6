package io.rune.storage.testing.drivers;

/**
 * The {@link FaultyDriver} as a driver that grows volumes only while no replica uses them
 * (expand, but not online), as some cloud disks do: classes of driver {@code test-offline}
 * let tests see a Bound volume wait for its release before it grows. Calls, storage and
 * failure commands are those of {@code test-faulty}.
 */
public final class OfflineFaultyDriverProvider extends FaultyDriverProvider {
  public static final String NAME = "test-offline";

  public OfflineFaultyDriverProvider() {
    super(NAME, false);
  }
}
