package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Whose fault a failure of the local driver is, and what it says: a path blocked or refused
 * is this volume's fault (with a reason word and words to act on, never a Java class name);
 * a volume root that is gone or cannot be made is the backend's. And find, which looks up
 * without making anything.
 */
class LocalDriverFaultsTest extends LocalDriverFixture {

  /** A Java exception's class name, which must never reach a user. */
  private static final Pattern JAVA_CLASS = Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)\\b");

  @Test
  void aFileInPlaceOfTheNamespaceDirectoryBlocksThatVolumeAlone() throws IOException {
    Files.createDirectories(root);
    Path inTheWay = Files.writeString(root.resolve("blocked"), "not a directory");

    DriverException blocked = failure(driver.provision(CTX, request("blocked", "db", uid())));

    assertThat(blocked.blame()).isEqualTo(DriverException.Blame.OBJECT);
    assertThat(blocked.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(blocked.reason()).isEqualTo("PathBlocked");
    assertThat(blocked.getMessage()).isEqualTo(inTheWay + " is a file, not a directory; move it away, then run retry")
        .doesNotContainPattern(JAVA_CLASS);
    assertThat(provision("healthy", "db", uid()).handle()).as("another namespace is untouched").startsWith("healthy/");
    assertThat(inTheWay).hasContent("not a directory");
  }

  @Test
  void aFileInPlaceOfTheVolumeDirectoryBlocksIt() throws IOException {
    String uid = uid();
    Path inTheWay = Files.createDirectories(root.resolve("default")).resolve("db_" + uid);
    Files.writeString(inTheWay, "x");

    DriverException blocked = failure(driver.provision(CTX, request("default", "db", uid)));

    assertThat(blocked.blame()).isEqualTo(DriverException.Blame.OBJECT);
    assertThat(blocked.reason()).isEqualTo("PathBlocked");
    assertThat(blocked.getMessage()).contains(inTheWay + " is a file, not a directory; move it away")
        .doesNotContainPattern(JAVA_CLASS);
  }

  @Test
  void aNamespaceDirectorySwappedForASymlinkIsRefusedAndBlamedOnTheObject() throws IOException {
    String handle = provision("swapped", "db", uid()).handle();
    Path namespace = root.resolve("swapped");
    Files.move(namespace, tmp.resolve("moved-away"));
    Files.createSymbolicLink(namespace, outside);

    for (DriverException refused : List.of(failure(driver.provision(CTX, request("swapped", "other", uid()))),
        failure(driver.delete(CTX, handle)), failure(driver.attach(CTX, handle, NODE)),
        failure(driver.mount(CTX, new MountRequest(handle, NODE, null, "/data", false, null))),
        failure(driver.find(CTX, request("swapped", "db", handle.substring(handle.indexOf('_') + 1)))))) {
      assertThat(refused.blame()).isEqualTo(DriverException.Blame.OBJECT);
      assertThat(refused.reason()).isEqualTo(ManagedRoot.REFUSED);
      assertThat(refused.getMessage()).contains("leads elsewhere through a symbolic link").doesNotContainPattern(JAVA_CLASS);
    }
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  @Test
  void aVolumeRootThatCannotBeMadeIsTheBackendsFault() throws Exception {
    Path blockedRoot = Files.writeString(tmp.resolve("not-a-dir"), "x").resolve("volumes");
    LocalDriver broken = driverAt(blockedRoot);
    try {
      DriverException failure = failure(broken.provision(CTX, request("default", "db", uid())));
      assertThat(failure.blamesBackend()).isTrue();
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.getMessage()).contains("its volume root " + blockedRoot + " does not exist and cannot be"
          + " created").doesNotContainPattern(JAVA_CLASS);

      DriverException attach = failure(broken.attach(CTX, "default/db_" + uid(), NODE));
      assertThat(attach.blamesBackend()).as("a root that is gone loses every volume, not one").isTrue();
    } finally {
      broken.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMissingVolumeUnderAHealthyRootIsNotFoundAndTheObjectsFault() {
    provision("default", "kept", uid());
    DriverException missing = failure(driver.attach(CTX, "default/gone_" + uid(), NODE));
    assertThat(missing.error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(missing.blamesBackend()).isFalse();
  }

  @Test
  void findGivesTheHandleOfAnExistingVolumeOnlyAndNeverCreates() throws IOException {
    String uid = uid();
    String handle = provision("default", "db", uid).handle();
    assertThat(await(driver.find(CTX, request("default", "db", uid)))).isEqualTo(handle);

    assertThat(await(driver.find(CTX, request("default", "db", uid())))).isNull();
    assertThat(await(driver.find(CTX, request("never-made", "db", uid())))).isNull();
    assertThat(root.resolve("never-made")).doesNotExist();
    assertThat(await(driver.find(CTX, request("Not-A-Label", "db", uid())))).isNull();
    ProvisionRequest elsewhere = new ProvisionRequest(uid, "db", "default", 1, "ReadWriteOnce", Map.of(),
        Map.of(LocalDriver.NODE_LABEL, "node-b"), null);
    assertThat(await(driver.find(CTX, elsewhere))).as("a volume for another node is not this one's").isNull();

    String fileUid = uid();
    Files.writeString(root.resolve("default").resolve("db_" + fileUid), "a file, not a volume");
    assertThat(await(driver.find(CTX, request("default", "db", fileUid)))).isNull();

    await(driver.delete(CTX, handle));
    assertThat(await(driver.find(CTX, request("default", "db", uid)))).isNull();
    assertThat(Files.exists(root.resolve(handle), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  private LocalDriver driverAt(Path volumeRoot) {
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", volumeRoot, List.of(), false, false), null, null, null);
    return new LocalDriver(config.driverEnvironment(vertx, LocalDriver.NAME));
  }
}
