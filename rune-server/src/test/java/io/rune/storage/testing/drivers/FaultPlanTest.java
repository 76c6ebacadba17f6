package io.rune.storage.testing.drivers;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverException.Blame;
import io.rune.storage.testing.drivers.FaultyDriver.Op;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test driver's failure commands mean what ITs rely on them to mean. */
class FaultPlanTest {

  @Test
  void anOperationFailsTheFirstNCallsOrAlwaysAsCommanded() {
    Map<String, String> firstTwo = Map.of("failDelete", "2", "failDeleteWith", "PERMANENT");
    assertThat(FaultPlan.failure(Op.DELETE, firstTwo, 2).error()).isEqualTo(DriverError.PERMANENT);
    assertThat(FaultPlan.failure(Op.DELETE, firstTwo, 3)).isNull();
    assertThat(FaultPlan.failure(Op.PROVISION, firstTwo, 1)).as("other operations are not touched").isNull();
    assertThat(FaultPlan.failure(Op.DELETE_SNAPSHOT, Map.of("failDeleteSnapshot", "always"), 99)).isNotNull();
  }

  @Test
  void blameDefaultsAsTheTypeIsUsuallyBlamedAndCanBeCommanded() {
    DriverException transientDefault = FaultPlan.failure(Op.MOUNT, Map.of("failMount", "always"), 1);
    assertThat(transientDefault.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(transientDefault.blame()).isEqualTo(Blame.BACKEND);
    DriverException object = FaultPlan.failure(Op.MOUNT, Map.of("failMount", "always", "failMountBlame", "OBJECT",
        "failMountReason", "HostPathBlocked"), 1);
    assertThat(object.blame()).isEqualTo(Blame.OBJECT);
    assertThat(object.reason()).isEqualTo("HostPathBlocked");
    assertThat(object.retryable()).isTrue();
  }

  @Test
  void theFirstParametersStillMeanProvisioning() {
    Map<String, String> legacy = Map.of("failFirst", "1", "failWith", "INVALID_CONFIG");
    assertThat(FaultPlan.failure(Op.PROVISION, legacy, 1).error()).isEqualTo(DriverError.INVALID_CONFIG);
    assertThat(FaultPlan.failure(Op.PROVISION, legacy, 1).getMessage()).startsWith("the test backend refused");
    assertThat(FaultPlan.failure(Op.PROVISION, legacy, 2)).isNull();
  }

  @Test
  void aBackendSwitchedDownFailsEveryCallUntilSwitchedBack() {
    Map<String, String> parameters = Map.of("backend", "plan-test");
    try {
      FaultyDriver.backendDown("plan-test", true);
      for (Op op : Op.values()) {
        DriverException down = FaultPlan.failure(op, parameters, 1);
        assertThat(down.error()).isEqualTo(DriverError.TRANSIENT);
        assertThat(down.blamesBackend()).isTrue();
      }
      assertThat(FaultPlan.failure(Op.FIND, Map.of(), 1)).as("other backends are up").isNull();
      FaultyDriver.backendDown("plan-test", false);
      assertThat(FaultPlan.failure(Op.FIND, parameters, 1)).isNull();
      FaultPlan.set("plan-test", "failFind", "always");
      assertThat(FaultPlan.failure(Op.FIND, parameters, 1)).as("switched at run time").isNotNull();
    } finally {
      FaultPlan.reset("plan-test");
    }
    assertThat(FaultPlan.failure(Op.FIND, parameters, 1)).isNull();
  }
}
