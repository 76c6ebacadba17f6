package io.rune.storage.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A check of what the harness saw during a test, run after each test and after each class
 * (for what a class's set-up and tear-down did): the extensions autodetection registers.
 */
public abstract class AfterEveryTest implements AfterEachCallback, AfterAllCallback {

  @Override
  public final void afterEach(ExtensionContext context) {
    check(context);
  }

  @Override
  public final void afterAll(ExtensionContext context) {
    check(context);
  }

  /** Fails (throws) when the harness saw something wrong since the last check. */
  protected abstract void check(ExtensionContext context);
}
