package io.rune.storage.driver.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.model.VolumeOwnership;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.driver.runtime.DriverMessages.NewSize;
import io.rune.storage.driver.runtime.DriverMessages.ProgressReport;
import io.rune.storage.driver.runtime.DriverMessages.VolumeOnNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of driver operations against the driver interface it carries over the bus: each
 * method that controllers call is one operation, and each operation's request and result come
 * back from their JSON (sent as text, as on a clustered bus) as they went in.
 */
class DriverProtocolTest {
  /**
   * The methods of StorageDriver that are not calls: RemoteDriver answers name and capabilities
   * from the provider, and only the driver's own verticle calls recover, close and
   * startupDecisions (for its node's start line and /readyz).
   */
  private static final Set<String> NOT_CALLS = Set.of("name", "capabilities", "recover", "close",
      "startupDecisions");

  private static final ProvisionRequest VOLUME = new ProvisionRequest("uid-1", "db", "apps", 3_221_225_472L,
      "ReadWriteMany", Map.of("tier", "ssd"), Map.of("rune.io/region", "fra1"), Instant.parse("2030-01-02T03:04:05Z"));
  private static final ProvisionRequest OWNED = new ProvisionRequest("uid-3", "web", "apps", 1_048_576L,
      "ReadWriteOnce", Map.of(), Map.of(), null, new VolumeOwnership(1234L, 2345L, "0750"));
  private static final ProvisionedVolume PROVISIONED = new ProvisionedVolume("h-1", Map.of("rune.io/node", "node-a"));

  /** A request and a result of one operation, typed as the operation takes them. */
  record Sample<Q, R>(DriverOperation<Q, R> operation, Q request, R result) {
    @Override
    public String toString() {
      return operation.name() + " " + request + " -> " + result;
    }
  }

  static Stream<Sample<?, ?>> samples() {
    return Stream.of(
        new Sample<>(DriverProtocol.PROVISION, VOLUME, PROVISIONED),
        new Sample<>(DriverProtocol.PROVISION, new ProvisionRequest("uid-2", "tmp", "apps", 1, "ReadWriteOnce",
            Map.of(), Map.of(), null), new ProvisionedVolume("h-2", Map.of())),
        new Sample<>(DriverProtocol.PROVISION, OWNED, PROVISIONED),
        new Sample<>(DriverProtocol.PROVISION, new ProvisionRequest("uid-4", "web", "apps", 1, "ReadWriteOnce",
            Map.of(), Map.of(), null, new VolumeOwnership(null, 2345L, null)), PROVISIONED),
        new Sample<>(DriverProtocol.FIND, VOLUME, "h-1"),
        new Sample<>(DriverProtocol.FIND, VOLUME, null),
        new Sample<>(DriverProtocol.DELETE, "h-1", null),
        new Sample<>(DriverProtocol.ATTACH, new VolumeOnNode("h-1", "node-b"), "/dev/vdb"),
        new Sample<>(DriverProtocol.DETACH, new VolumeOnNode("h-1", "node-b"), null),
        new Sample<>(DriverProtocol.MOUNT, new MountRequest("h-1", "node-b", "/dev/vdb", "/run/rune/db", true, "xfs"),
            "/run/rune/db/data"),
        new Sample<>(DriverProtocol.MOUNT, new MountRequest("h-1", "node-b", null, "/run/rune/db", false, null),
            "/run/rune/db"),
        new Sample<>(DriverProtocol.UNMOUNT, "/run/rune/db", null),
        new Sample<>(DriverProtocol.SNAPSHOT, new SnapshotRequest("h-1", "snap-uid", "nightly", "apps"),
            new MadeSnapshot("s-1", "subvolume")),
        new Sample<>(DriverProtocol.SNAPSHOT, new SnapshotRequest("h-1", "snap-uid", "nightly", "apps"),
            new MadeSnapshot("s-1", null)),
        new Sample<>(DriverProtocol.RESTORE, new RestoreRequest("s-1", VOLUME), PROVISIONED),
        new Sample<>(DriverProtocol.RESTORE, new RestoreRequest("s-1", OWNED), PROVISIONED),
        new Sample<>(DriverProtocol.DELETE_SNAPSHOT, "s-1", null),
        new Sample<>(DriverProtocol.EXPAND, new NewSize("h-1", 6_442_450_944L), null),
        new Sample<>(DriverProtocol.USAGE, "h-1", new VolumeUsage(1024, 4096)));
  }

  @Test
  void everyCallOfTheDriverInterfaceIsExactlyOneOperationAndRemoteDriverSendsIt() {
    SoftAssertions softly = new SoftAssertions();
    List<String> calls = new ArrayList<>();
    for (Method method : StorageDriver.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || NOT_CALLS.contains(method.getName())) {
        continue;
      }
      calls.add(method.getName());
      long operations = DriverProtocol.all().stream().filter(op -> op.name().equals(method.getName())).count();
      softly.assertThat(operations).as("StorageDriver.%s is a driver call, so DriverProtocol needs exactly one"
          + " operation named '%1$s' (its codecs and the method), and RemoteDriver a one-line override sending it;"
          + " or, if it is no call, list it in NOT_CALLS here", method.getName()).isEqualTo(1);
      softly.assertThat(overrides(RemoteDriver.class, method)).as("RemoteDriver does not override"
          + " StorageDriver.%s: it would not send it, but answer with the interface's default", method.getName())
          .isTrue();
    }
    softly.assertThat(calls).as("StorageDriver methods with one name (an operation is one method)")
        .doesNotHaveDuplicates();
    for (DriverOperation<?, ?> operation : DriverProtocol.all()) {
      softly.assertThat(calls).as("operation '%s' names no call of StorageDriver", operation.name())
          .contains(operation.name());
    }
    softly.assertAll();
  }

  @Test
  void everyOperationHasASampleHere() {
    assertThat(samples().map(sample -> sample.operation().name()).distinct())
        .containsExactlyInAnyOrderElementsOf(DriverProtocol.names());
  }

  @Test
  void anOperationIsFoundByItsNameOnTheWireAndNoOtherName() {
    assertThat(DriverProtocol.named("deleteSnapshot")).containsSame(DriverProtocol.DELETE_SNAPSHOT);
    assertThat(DriverProtocol.named("delete-snapshot")).isEmpty();
    assertThat(DriverProtocol.named("")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("samples")
  <Q, R> void theRequestComesBackFromItsJsonText(Sample<Q, R> sample) {
    JsonObject args = sample.operation().request().write(sample.request());

    assertThat(sample.operation().request().read(new JsonObject(args.encode()))).isEqualTo(sample.request());
  }

  @ParameterizedTest
  @MethodSource("samples")
  <Q, R> void theResultComesBackFromItsJsonText(Sample<Q, R> sample) {
    JsonObject reply = new JsonObject().put(DriverProtocol.RESULT, sample.operation().result().write(sample.result()));

    Object received = new JsonObject(reply.encode()).getValue(DriverProtocol.RESULT);

    assertThat(sample.operation().result().read(received)).isEqualTo(sample.result());
  }

  @ParameterizedTest
  @MethodSource("samples")
  <Q, R> void anOperationIsAnsweredByTheDriverMethodOfItsName(Sample<Q, R> sample) throws Exception {
    WireDriver driver = new WireDriver();
    driver.answers.put(sample.operation().name(), Future.succeededFuture(sample.result()));
    JsonObject args = sample.operation().request().write(sample.request());

    Object result = sample.operation().answer(driver, new DriverContext(null, null, Map.of(), "node-a"), args)
        .await(10, TimeUnit.SECONDS);

    assertThat(driver.calls).extracting(WireDriver.Call::op).containsExactly(sample.operation().name());
    assertThat(result).isEqualTo(sample.operation().result().write(sample.result()));
  }

  @Test
  void aProgressReportComesBackFromItsJsonText() {
    ProgressReport report = new ProgressReport(5_368_709_120L, 10_737_418_240L);

    JsonObject json = new JsonObject(DriverMessages.PROGRESS_REPORT.write(report).encode());

    assertThat(DriverMessages.PROGRESS_REPORT.read(json)).isEqualTo(report);
  }

  private static boolean overrides(Class<?> type, Method method) {
    return Arrays.stream(type.getDeclaredMethods()).anyMatch(m -> m.getName().equals(method.getName())
        && Arrays.equals(m.getParameterTypes(), method.getParameterTypes()) && !m.isBridge());
  }
}
