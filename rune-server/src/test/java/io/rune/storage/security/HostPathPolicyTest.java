package io.rune.storage.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.model.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathPolicyTest {

  private static final String FIELD = "hostPath";

  @TempDir Path tmp;

  private Path allowed;
  private Path outside;
  private Path volumeRoot;

  @BeforeEach
  void layOut() throws IOException {
    tmp = tmp.toRealPath();
    allowed = Files.createDirectories(tmp.resolve("allowed"));
    Files.createDirectories(allowed.resolve("data"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    volumeRoot = Files.createDirectories(allowed.resolve("volumes"));
  }

  private HostPathPolicy policy(List<Path> allowlist, List<Path> forbidden) {
    return new HostPathPolicy(allowlist, forbidden);
  }

  private HostPathPolicy allowingOnlyAllowed() {
    return policy(List.of(allowed), List.of(volumeRoot));
  }

  private static ValidationException refused(HostPathPolicy policy, String hostPath) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> policy.check(FIELD, hostPath));
    assertThat(e).as("%s should be refused", hostPath).isNotNull();
    assertThat(e.code()).isEqualTo("HostPathNotAllowed");
    assertThat(e.field()).isEqualTo(FIELD);
    return e;
  }

  @Test
  void allowsADirectoryInsideTheAllowlist() {
    Path data = allowed.resolve("data");
    assertThat(allowingOnlyAllowed().check(FIELD, data.toString())).isEqualTo(data);
  }

  @Test
  void allowsTheAllowlistEntryItself() {
    HostPathPolicy policy = policy(List.of(allowed), List.of(outside));
    assertThat(policy.check(FIELD, allowed + "/")).isEqualTo(allowed);
    // With the volume root inside it, the entry itself contains a forbidden root.
    refused(allowingOnlyAllowed(), allowed.toString());
  }

  @Test
  void normalisesRepeatedSlashesAndDots() {
    String messy = allowed + "//./data/../data/";
    assertThat(allowingOnlyAllowed().check(FIELD, messy)).isEqualTo(allowed.resolve("data"));
  }

  @Test
  void comparesComponentByComponentNotByStringPrefix() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path data2 = Files.createDirectories(tmp.resolve("data2"));
    HostPathPolicy policy = policy(List.of(data), List.of());

    assertThat(policy.check(FIELD, data.resolve("x").toString())).isEqualTo(data.resolve("x"));
    assertThat(refused(policy, data2.toString()).getMessage())
        .contains("is not under [storage] hostPathAllowlist")
        .contains("[" + data + "]");
    refused(policy, data + "2/x");
  }

  @Test
  void dotDotNeverEscapesTheAllowlist() {
    HostPathPolicy policy = allowingOnlyAllowed();
    refused(policy, allowed + "/data/../../outside");
    refused(policy, allowed + "/..");
    refused(policy, allowed + "/../allowed/../outside/x");
    // Above the root, ".." stays at the root: /../<allowed> is <allowed>.
    assertThat(policy.check(FIELD, "/../.." + allowed + "/data"))
        .isEqualTo(allowed.resolve("data"));
  }

  @Test
  void refusesASymlinkInsideTheAllowlistThatPointsOutside() throws IOException {
    Files.createSymbolicLink(allowed.resolve("escape"), outside);
    Files.createSymbolicLink(allowed.resolve("etc"), Path.of("/etc"));
    Files.createSymbolicLink(allowed.resolve("relative-escape"), Path.of("../outside"));
    HostPathPolicy policy = allowingOnlyAllowed();

    assertThat(refused(policy, allowed + "/escape").getMessage())
        .contains("through a symbolic link")
        .doesNotContain(outside.toString());
    refused(policy, allowed + "/escape/new-dir");
    refused(policy, allowed + "/etc");
    refused(policy, allowed + "/relative-escape/x");
  }

  @Test
  void followsASymlinkThatStaysInsideAndReturnsTheRealPath() throws IOException {
    Files.createSymbolicLink(allowed.resolve("alias"), allowed.resolve("data"));
    assertThat(allowingOnlyAllowed().check(FIELD, allowed + "/alias/sub"))
        .isEqualTo(allowed.resolve("data").resolve("sub"));
  }

  @Test
  void refusesADanglingSymlinkWhoseTargetCouldBeCreatedAnywhereLater() throws IOException {
    Files.createSymbolicLink(allowed.resolve("dangling"), outside.resolve("not-yet"));
    HostPathPolicy policy = allowingOnlyAllowed();
    assertThat(refused(policy, allowed + "/dangling").getMessage())
        .contains("symbolic link whose target does not exist");
    refused(policy, allowed + "/dangling/sub");
  }

  @Test
  void allowsAPathThatDoesNotExistYetUnderTheAllowlist() {
    Path missing = allowed.resolve("new").resolve("deeper");
    assertThat(allowingOnlyAllowed().check(FIELD, missing.toString())).isEqualTo(missing);
    assertThat(Files.exists(allowed.resolve("new"))).as("check creates nothing").isFalse();
  }

  @Test
  void refusesAForbiddenRootInsideAnAllowedDirectory() throws IOException {
    HostPathPolicy policy = allowingOnlyAllowed();
    assertThat(refused(policy, volumeRoot.toString()).getMessage())
        .contains("is inside the server's own storage or state")
        .contains("even inside hostPathAllowlist");
    refused(policy, volumeRoot + "/default/web-data-uid");
    refused(policy, allowed + "/data/../volumes/x");

    Files.createSymbolicLink(allowed.resolve("to-volumes"), volumeRoot);
    refused(policy, allowed + "/to-volumes/x");
  }

  @Test
  void refusesAPathThatContainsAForbiddenRoot() throws IOException {
    Path state = Files.createDirectories(tmp.resolve("state"));
    Path token = Files.writeString(state.resolve("admin.token"), "secret");
    Path pg = Files.createDirectories(tmp.resolve("db").resolve("pg"));
    HostPathPolicy policy = policy(List.of(tmp), List.of(token, pg, volumeRoot));

    assertThat(refused(policy, state.toString()).getMessage())
        .contains("contains the server's own storage or state")
        .doesNotContain(token.toString());
    refused(policy, token.toString());
    refused(policy, tmp.resolve("db").toString());
    refused(policy, tmp.toString());
    refused(policy, allowed.toString());
    assertThat(policy.check(FIELD, outside.toString())).isEqualTo(outside);
    assertThat(policy.check(FIELD, allowed.resolve("data").toString()))
        .isEqualTo(allowed.resolve("data"));
  }

  @Test
  void resolvesAllowlistEntriesThroughSymlinks() throws IOException {
    Path realRoot = Files.createDirectories(tmp.resolve("real-root"));
    Path linkedRoot = Files.createSymbolicLink(tmp.resolve("linked-root"), realRoot);
    HostPathPolicy policy = policy(List.of(linkedRoot.resolve("vols")), List.of());
    Files.createDirectories(realRoot.resolve("vols").resolve("a"));

    assertThat(policy.check(FIELD, realRoot + "/vols/a")).isEqualTo(realRoot.resolve("vols/a"));
    assertThat(policy.check(FIELD, linkedRoot + "/vols/a")).isEqualTo(realRoot.resolve("vols/a"));
    refused(policy, realRoot + "/other");
  }

  @Test
  void resolvesForbiddenRootsThroughSymlinks() throws IOException {
    Path realData = Files.createDirectories(allowed.resolve("real-data"));
    Path linkedData = Files.createSymbolicLink(tmp.resolve("data-link"), realData);
    HostPathPolicy policy = policy(List.of(allowed), List.of(linkedData.resolve("pg")));
    refused(policy, realData + "/pg/base");
    assertThat(policy.check(FIELD, realData + "/other")).isEqualTo(realData.resolve("other"));
  }

  @Test
  void refusesRelativePaths() {
    HostPathPolicy policy = allowingOnlyAllowed();
    for (String relative : List.of("data", "./data", "../data", "allowed/data")) {
      assertThat(refused(policy, relative).getMessage())
          .contains("\"" + relative + "\" is relative")
          .contains("use an absolute directory");
    }
  }

  @Test
  void requiresAPath() {
    HostPathPolicy policy = allowingOnlyAllowed();
    assertThat(refused(policy, null).getMessage()).startsWith("hostPath is required");
    assertThat(refused(policy, "").getMessage()).startsWith("hostPath is required");
  }

  @Test
  void anEmptyAllowlistDeniesEverythingAndSaysWhatToConfigure() {
    HostPathPolicy policy = policy(List.of(), List.of());
    ValidationException e = refused(policy, allowed.resolve("data").toString());
    assertThat(e.getMessage())
        .contains("[storage] hostPathAllowlist in the runefile is empty")
        .contains("add this directory (or a parent of it) to hostPathAllowlist");
  }

  @Test
  void refusesPathsWithANulCharacter() {
    assertThat(refused(allowingOnlyAllowed(), allowed + "/da\0ta").getMessage())
        .contains("is not a valid path");
  }

  @Test
  void rejectsARelativeConfiguration() {
    assertThatThrownBy(() -> policy(List.of(Path.of("volumes")), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hostPathAllowlist entry \"volumes\" is relative");
    assertThatThrownBy(() -> policy(List.of(allowed), List.of(Path.of("pg"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forServerForbidsTheVolumeRootTheDatabaseAndTheTokenFile() throws IOException {
    Path dataDir = Files.createDirectories(tmp.resolve("rune-data"));
    RuneConfig config = new RuneConfig(dataDir, "127.0.0.1", 0, "node-a", false, null,
        new RuneConfig.Storage("local", volumeRoot, List.of(tmp), false, false), null, null, null);
    HostPathPolicy policy = config.hostPathPolicy();

    refused(policy, volumeRoot.resolve("default").toString());
    refused(policy, dataDir.resolve("pg").resolve("base").toString());
    refused(policy, dataDir.resolve("admin.token").toString());
    refused(policy, dataDir.resolve("secret.key").toString());
    refused(policy, dataDir.toString());
    assertThat(policy.check(FIELD, outside.toString())).isEqualTo(outside);
  }

  @Test
  void forServerForbidsAConfiguredSecretKeyFileOutsideTheDataDirectory() throws IOException {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    RuneConfig config = new RuneConfig(tmp.resolve("rune-data"), "127.0.0.1", 0, "node-a", false, null,
        new RuneConfig.Storage("local", volumeRoot, List.of(tmp), false, false), null, null, null,
        new RuneConfig.Secrets(keys.resolve("rune.key")));
    HostPathPolicy policy = config.hostPathPolicy();

    refused(policy, keys.toString());
    refused(policy, keys.resolve("rune.key").toString());
    assertThat(policy.check(FIELD, outside.toString())).isEqualTo(outside);
  }

  @Test
  void forServerUsesTheConfiguredAllowlist() {
    RuneConfig config = new RuneConfig(tmp.resolve("rune-data"), "127.0.0.1", 0, "node-a", false,
        null, new RuneConfig.Storage("local", volumeRoot, List.of(allowed), false, false), null, null, null);
    HostPathPolicy policy = config.hostPathPolicy();

    assertThat(policy.check(FIELD, allowed + "/data")).isEqualTo(allowed.resolve("data"));
    refused(policy, outside.toString());
  }

  @Test
  void allowlistEntryOfNamesTheConfiguredEntryTheInnermostWhenEntriesNest() {
    Path data = allowed.resolve("data");
    HostPathPolicy policy = policy(List.of(allowed, data, outside), List.of());

    assertThat(policy.allowlistEntryOf(data.resolve("x"))).contains(data);
    assertThat(policy.allowlistEntryOf(allowed.resolve("other"))).contains(allowed);
    assertThat(policy.allowlistEntryOf(outside)).contains(outside);
    assertThat(policy.allowlistEntryOf(tmp.resolve("elsewhere"))).isEmpty();
    assertThat(policy.allowlistEntryOf(Path.of(allowed + "2"))).as("component-wise").isEmpty();
  }

  @Test
  void allowlistEntryOfGivesTheEntryAsConfiguredWhenItIsASymlink() throws IOException {
    Path realRoot = Files.createDirectories(tmp.resolve("real-root"));
    Path linkedRoot = Files.createSymbolicLink(tmp.resolve("linked-root"), realRoot);
    HostPathPolicy policy = policy(List.of(linkedRoot), List.of());

    Path real = policy.check(FIELD, linkedRoot + "/vol");
    assertThat(real).isEqualTo(realRoot.resolve("vol"));
    assertThat(policy.allowlistEntryOf(real)).contains(linkedRoot);
  }
}
