package io.rune.storage.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.AfterEveryTest;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test (JUnit extension autodetection): a test during which an exchange
 * through a {@link ContractProxy} broke openapi.yaml fails, listing each violation (request,
 * operation, status, the validator's message). Exchanges of a class's set-up and tear-down
 * fail the class.
 */
public final class NoContractViolations extends AfterEveryTest {

  @Override
  protected void check(ExtensionContext context) {
    assertThat(ContractProxy.takeAllViolations())
        .as("exchanges of %s that break rune/openapi.yaml", context.getDisplayName())
        .isEmpty();
  }
}
