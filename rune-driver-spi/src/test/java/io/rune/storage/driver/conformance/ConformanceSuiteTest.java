package io.rune.storage.driver.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite tested on itself: the reference driver passes every check, with every
 * capability and with none of the optional ones, and each broken driver is rejected by the
 * check for what it breaks, with a message naming it.
 */
class ConformanceSuiteTest {
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Nested
  class ReferenceDriverWithEveryCapability extends DriverConformanceTest {
    @TempDir Path root;

    @Override
    protected ConformanceTarget target() {
      return new DirectoryTarget(new DirectoryDriver(vertx, root, DirectoryDriver.EVERY_CAPABILITY), root);
    }
  }

  @Nested
  class ReferenceDriverWithoutSnapshotsNorExpand extends DriverConformanceTest {
    @TempDir Path root;

    @Override
    protected ConformanceTarget target() {
      return new DirectoryTarget(new DirectoryDriver(vertx, root, DirectoryDriver.NO_SNAPSHOTS_NOR_EXPAND), root);
    }

    @Test
    void checksSnapshotRestoreAndExpandAreUnsupported() {
      assertThat(new DriverConformance(target()).checkUnsupportedOperations())
          .containsExactly("snapshot", "restore", "expand");
    }
  }

  @Nested
  class BrokenDriversAreRejected {
    @TempDir Path root;

    @Test
    void aNewHandleForTheSameRequestIsNotIdempotent() {
      DriverConformance conformance = conformance(new BrokenDrivers.NewHandleEveryProvision(vertx, root));

      assertThatThrownBy(conformance::checkIdempotency).isInstanceOf(AssertionError.class)
          .hasMessageContaining("is not idempotent: provisioning the same request");
      assertThatCode(conformance::checkLifecycle).doesNotThrowAnyException();
    }

    @Test
    void advertisedSnapshotsThatFailAreRejectedAndTheVolumeIsCleanedUp() throws Exception {
      DriverConformance conformance = conformance(new BrokenDrivers.SnapshotAlwaysFails(vertx, root));

      assertThatThrownBy(conformance::checkLifecycle).isInstanceOf(AssertionError.class)
          .hasMessageContaining("snapshot of volume")
          .hasMessageContaining("failed with TRANSIENT: snapshot backend timed out");
      assertThat(entries(root.resolve("volumes"))).as("volumes left behind by the failed check").isEmpty();
      assertThat(entries(root.resolve("mounts"))).as("mounts left behind by the failed check").isEmpty();
    }

    @Test
    void aSnapshotThatDoesNotSayHowItWasMadeIsRejected() throws Exception {
      DriverConformance conformance = conformance(new BrokenDrivers.SaysNotHowItSnapshots(vertx, root));

      assertThatThrownBy(conformance::checkLifecycle).isInstanceOf(AssertionError.class)
          .hasMessageContaining("does not say how it was made (MadeSnapshot.method");
      assertThat(entries(root.resolve("volumes"))).as("volumes left behind by the failed check").isEmpty();
    }

    @Test
    void aFindThatProvisionsIsRejected() {
      DriverConformance conformance = conformance(new BrokenDrivers.FindProvisions(vertx, root));

      assertThatThrownBy(conformance::checkFind).isInstanceOf(AssertionError.class)
          .hasMessageContaining("never provisioned")
          .hasMessageContaining("instead of null");
      assertThatCode(conformance::checkLifecycle).doesNotThrowAnyException();
    }

    @Test
    void storageLeftBehindByDeleteIsALeak() {
      DriverConformance conformance = conformance(new BrokenDrivers.LeaksOnDelete(vertx, root));

      assertThatThrownBy(conformance::checkLifecycle).isInstanceOf(AssertionError.class)
          .hasMessageContaining("leaks on delete")
          .hasMessageContaining("succeeded but its storage still exists");
      assertThatCode(conformance::checkIdempotency).doesNotThrowAnyException();
    }

    @Test
    void expandThatSucceedsWithoutBeingAdvertisedIsRejected() {
      DriverConformance conformance = conformance(new BrokenDrivers.ExpandsWithoutAdvertising(vertx, root));

      assertThatThrownBy(conformance::checkUnsupportedOperations).isInstanceOf(AssertionError.class)
          .hasMessageContaining("does not answer UNSUPPORTED")
          .hasMessageContaining("expand of volume")
          .hasMessageContaining("succeeded though it does not advertise expand");
      assertThatCode(conformance::checkLifecycle).doesNotThrowAnyException();
    }

    @Test
    void aNameOtherThanTheProvidersAndUnprefixedTopologyKeysAreIllFormed() {
      DriverCapabilities caps = new DriverCapabilities(DirectoryDriver.EVERY_CAPABILITY.accessModes(), true, true,
          true, true, List.of("node", "rune.io/zone", "rune.io/zone"), false);
      DriverConformance conformance = conformance(new DirectoryDriver(vertx, root, caps) {
        @Override
        public String name() {
          return "Directory";
        }
      });

      assertThatThrownBy(conformance::checkCapabilitiesWellFormed).isInstanceOf(AssertionError.class)
          .hasMessageContaining("name() is 'Directory' but its provider registers 'directory'")
          .hasMessageContaining("topology key 'node' has no prefix")
          .hasMessageContaining("topology key 'rune.io/zone' appears twice");
    }

    @Test
    void aCallThatNeverCompletesFailsAtTheDeadline() {
      DirectoryDriver hangsOnAttach = new DirectoryDriver(vertx, root, DirectoryDriver.EVERY_CAPABILITY) {
        @Override
        public Future<String> attach(DriverContext ctx, String handle, String node) {
          return Promise.<String>promise().future();
        }
      };
      DriverConformance conformance = new DriverConformance(new DirectoryTarget(hangsOnAttach, root),
          Duration.ofMillis(300));

      assertThatThrownBy(conformance::checkLifecycle).isInstanceOf(AssertionError.class)
          .hasMessageContaining("attach of volume")
          .hasMessageContaining("did not complete within PT0.3S");
    }

    private DriverConformance conformance(DirectoryDriver driver) {
      return new DriverConformance(new DirectoryTarget(driver, root));
    }

    private List<Path> entries(Path dir) throws Exception {
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (Stream<Path> list = Files.list(dir)) {
        return list.toList();
      }
    }
  }
}
