package io.rune.storage.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test (JUnit extension autodetection): a test during which an exchange
 * through a {@link ContractProxy} broke openapi.yaml fails, listing each violation (request,
 * operation, status, the validator's message). Exchanges of a class's set-up and tear-down
 * fail the class.
 */
public final class NoContractViolations implements AfterEachCallback, AfterAllCallback {

  @Override
  public void afterEach(ExtensionContext context) {
    check(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context);
  }

  private static void check(ExtensionContext context) {
    assertThat(ContractProxy.takeAllViolations())
        .as("exchanges of %s that break rune/openapi.yaml", context.getDisplayName())
        .isEmpty();
  }
}
