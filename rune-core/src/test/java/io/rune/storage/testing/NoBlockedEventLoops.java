package io.rune.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test (JUnit extension autodetection): a test class during which
 * Vert.x reported a blocked event-loop thread fails, naming the thread and the warning.
 */
public final class NoBlockedEventLoops extends AfterEveryTest {

  @Override
  protected void check(ExtensionContext context) {
    var warnings = BlockedThreadRecorder.warnings();
    BlockedThreadRecorder.clear();
    assertThat(warnings)
        .as("Vert.x reported blocked event-loop threads during %s", context.getDisplayName())
        .isEmpty();
  }
}
