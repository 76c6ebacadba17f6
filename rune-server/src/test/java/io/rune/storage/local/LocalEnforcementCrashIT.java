package io.rune.storage.local;

import static io.rune.storage.local.LocalEnforcementIT.MIB;
import static io.rune.storage.local.LocalEnforcementIT.assertLeftNothing;
import static io.rune.storage.local.LocalEnforcementIT.awaitStatus;
import static io.rune.storage.local.LocalEnforcementIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.LoopFileSystem;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Restarts and kill -9 of a real runed in btrfs and loop modes: the start line names the
 * mode; after each start every loop volume is mounted exactly once (re-mounted where a
 * reboot lost its mount, never twice where the mount outlived the process), what a crash
 * left half made is gone, and deleting every volume leaves no mount, loop device, image or
 * subvolume.
 */
class LocalEnforcementCrashIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String UID = "0f0e0d0c-0b0a-4909-8807-060504030201";

  @ParameterizedTest
  @CsvSource({"btrfs, btrfs", "loop, ext4"})
  void restartsAndKillsLeaveOneMountPerVolumeAndNothingAfterDeletion(String mode, String fileSystem)
      throws Exception {
    Path home = TestServer.tempDir("enforce-crash-" + mode);
    try (LoopFileSystem fs = LoopFileSystem.make(home, fileSystem, 768 * MIB, "")) {
      Path root = fs.mountPoint().resolve("volumes");
      Path runefile = home.resolve("runefile.toml");
      Files.writeString(runefile, """
          [storage]
          localVolumeRoot = "%s"
          [storage.drivers.local]
          enforcement = "%s"
          """.formatted(root, mode));
      Runed runed = new Runed(home, runefile);
      try {
        cycles(mode, root, runed);
      } finally {
        runed.stopIfRunning();
      }
    }
  }

  private static void cycles(String mode, Path root, Runed runed) throws Exception {
    Http admin = runed.start();
    assertThat(runed.readyLine).endsWith("; local volumes: enforcement " + mode);
    create(admin, "a", "64Mi");
    create(admin, "b", "64Mi");
    List<Path> dirs = List.of(dirOf(admin, root, "a"), dirOf(admin, root, "b"));
    assertMountedOnce(mode, dirs);

    // kill -9: the loop mounts outlive the process; the next start must not mount them again.
    runed.kill();
    admin = runed.start();
    assertMountedOnce(mode, dirs);

    // A reboot loses the mounts; a crash mid-provision leaves a half-made image or subvolume.
    if (mode.equals("loop")) {
      for (Path dir : dirs) {
        assertThat(new ProcessBuilder("umount", dir.toString()).start().waitFor()).isZero();
      }
    }
    Path halfMade = halfMade(mode, root);
    runed.stop();
    admin = runed.start();
    assertMountedOnce(mode, dirs);
    assertThat(halfMade).as("what a crash left half made is removed at start").doesNotExist();

    // Killed right after asking for a volume: it converges to one, mounted once.
    create(admin, "c", "64Mi");
    runed.kill();
    admin = runed.start();
    Path c = dirOf(admin, root, "c");
    assertMountedOnce(mode, List.of(dirs.get(0), dirs.get(1), c));

    for (String name : List.of("a", "b", "c")) {
      assertThat(admin.delete("/api/v1/namespaces/enforce/volumes/" + name).status()).isEqualTo(200);
    }
    Http last = admin;
    await().atMost(WAIT).until(() -> last.get("/api/v1/namespaces/enforce/volumes").items().isEmpty());
    runed.stop();
    assertLeftNothing(root);
  }

  private static Path dirOf(Http admin, Path root, String name) throws Exception {
    String handle = awaitStatus(admin, name, s -> "Available".equals(s.getString("phase"))).getString("handle");
    return root.resolve(handle).toRealPath();
  }

  /** Each volume directory a mount point exactly once (loop), or a subvolume (btrfs: never a mount). */
  private static void assertMountedOnce(String mode, List<Path> dirs) throws Exception {
    for (Path dir : dirs) {
      assertThat(LoopFileSystem.mountsBelow(dir)).as("mounts of %s", dir)
          .hasSize(mode.equals("loop") ? 1 : 0);
      if (mode.equals("btrfs")) {
        assertThat(Files.getAttribute(dir, "unix:ino")).as("%s is a subvolume", dir).isEqualTo(256L);
      }
    }
  }

  /** What a crash in the middle of making a volume leaves: a .partial image, or a partial subvolume. */
  private static Path halfMade(String mode, Path root) throws Exception {
    if (mode.equals("loop")) {
      Path partial = Files.createDirectories(root.resolve(".images/enforce")).resolve("d_" + UID + ".img.partial");
      Files.write(partial, new byte[4096]);
      return partial;
    }
    Path partial = root.resolve("enforce/.d_" + UID + ".0123abcd.partial");
    Process made = new ProcessBuilder("btrfs", "subvolume", "create", partial.toString()).inheritIO().start();
    assertThat(made.waitFor()).isZero();
    return partial;
  }

  /** One runed home, started, stopped and killed again and again. */
  private static final class Runed {
    private final Path home;
    private final Path runefile;
    private final int port;
    private Process process;
    private String readyLine;

    Runed(Path home, Path runefile) throws Exception {
      this.home = home;
      this.runefile = runefile;
      this.port = RunedProcess.freePort();
    }

    Http start() throws Exception {
      process = RunedProcess.start(home, List.of("--dev-mode", "--listen", "127.0.0.1:" + port, "--config",
          runefile.toString()), null, "");
      Matcher ready = RunedProcess.awaitReady(process);
      readyLine = ready.group();
      return new Http(RunedProcess.checkedBaseUrl(process, ready),
          Files.readString(home.resolve(".rune/admin.token")).trim());
    }

    void kill() throws Exception {
      process.destroyForcibly();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    void stop() throws Exception {
      RunedProcess.stop(process);
    }

    void stopIfRunning() throws Exception {
      if (process != null && process.isAlive()) {
        RunedProcess.stop(process);
      }
    }
  }
}
