package io.rune.storage.driver.conformance;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The conformance checks as JUnit tests, one per check. A driver's test extends this and
 * implements {@link #target()}; nothing else.
 *
 * <p>JUnit makes a new instance of the test class for each test method, and each test calls
 * {@link #target()} once, so a target built from {@code @TempDir} fields or
 * {@code @BeforeEach} state is fresh for every check. The subclass owns Vert.x and the
 * driver and closes them ({@code @AfterEach} or {@code @AfterAll}); this class closes nothing.
 * Tests run the checks on the JUnit thread, never on an event loop.
 */
public abstract class DriverConformanceTest {

  /** The driver under test and how to look behind it. */
  protected abstract ConformanceTarget target();

  /** How long each driver call may take; a slow backend may need more. */
  protected Duration callTimeout() {
    return DriverConformance.DEFAULT_TIMEOUT;
  }

  @Test
  public void capabilitiesAreWellFormed() {
    conformance().checkCapabilitiesWellFormed();
  }

  @Test
  public void fullLifecycleKeepsDataAndLeavesNothingBehind() {
    conformance().checkLifecycle();
  }

  @Test
  public void everyOperationIsIdempotent() {
    conformance().checkIdempotency();
  }

  @Test
  public void findGivesTheProvisionedHandleAndNeverMakesAnything() {
    conformance().checkFind();
  }

  @Test
  public void unadvertisedOperationsFailWithUnsupported() {
    List<String> checked = conformance().checkUnsupportedOperations();
    // Aborted, not passed: a driver advertising every optional operation gave nothing to check.
    assumeFalse(checked.isEmpty(), "the driver advertises snapshots and expand; no unsupported operation to check");
  }

  private DriverConformance conformance() {
    return new DriverConformance(target(), callTimeout());
  }
}
