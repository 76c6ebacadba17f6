package io.rune.storage.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.model.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MountPathsTest {

  private static final String FIELD = "volumes[0].mountPath";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/, /",
    "//, /",
    "/etc/, /etc",
    "/./etc, /etc",
    "/foo/../etc, /etc",
    "//proc/1, /proc/1",
    "/a//b/./c/, /a/b/c",
    "/.., /",
    "/../../etc, /etc",
    "/a/b/../../.., /",
    "/var/lib/postgresql/data, /var/lib/postgresql/data",
    "/a/..b/c, /a/..b/c",
    "/a/.b, /a/.b",
    "a/b/, a/b",
    "./a, a",
    "../a, ../a",
    "a/../.., ..",
    "., ."
  })
  void normalizes(String path, String normalized) {
    assertThat(MountPaths.normalize(path)).isEqualTo(normalized);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/", "//", "/.", "/..", "/etc", "/etc/", "/./etc", "/foo/../etc", "//etc//",
        "/var/run/docker.sock", "/var/run/../run/docker.sock", "/run/docker.sock",
        "/run/./docker.sock/", "/proc", "/proc/", "//proc/1", "/proc/self/root", "/sys",
        "/sys/fs/cgroup", "/x/../sys/kernel", "/dev", "/dev/sda", "/boot", "/boot/grub", "/bin",
        "/sbin/init", "/lib", "/lib/x86_64-linux-gnu", "/lib64", "/usr", "/usr/local", "/usr/local/bin/",
        "/root", "/root/.ssh", "/srv/../usr/lib"
      })
  void blocks(String mountPath) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> MountPaths.checkMountPath(FIELD, mountPath));
    assertThat(e).as("%s should be blocked", mountPath).isNotNull();
    assertThat(e.code()).isEqualTo("MountPathBlocked");
    assertThat(e.field()).isEqualTo(FIELD);
    assertThat(e.getMessage())
        .startsWith(FIELD + " \"" + mountPath + "\"")
        .contains("is blocked")
        .contains("such as /data");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/data", "/etc/app", "/etc/app/", "/procfs", "/proc-data", "/system", "/sysroot",
        "/var/run", "/var/run/app.sock", "/run/docker.sock.d", "/var/lib/postgresql/data",
        "/etc2", "/srv/etc", "/srv/proc", "/docker.sock", "/devdata", "/dev-data", "/usr-data",
        "/library", "/lib32", "/binaries", "/rootfs", "/data/usr", "/srv/root", "/home/root/data"
      })
  void allows(String mountPath) {
    MountPaths.checkMountPath(FIELD, mountPath);
    assertThat(MountPaths.normalize(mountPath)).startsWith("/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/data\n/etc", "/data\t", "/data\r", "/da\u0000ta", "\n/etc", "/data\u007f",
      "/data\u0085"})
  void refusesControlCharactersWithoutEchoingThem(String mountPath) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> MountPaths.checkMountPath(FIELD, mountPath));
    assertThat(e).as("%s should be refused", mountPath).isNotNull();
    assertThat(e.code()).isEqualTo("MountPathBlocked");
    assertThat(e.field()).isEqualTo(FIELD);
    assertThat(e.getMessage()).contains("control character").doesNotContain("\n", "\t", "\r", "\u0000");
  }

  @Test
  void aLongPathIsShownCutShort() {
    String path = "/proc/" + "x".repeat(10_000);
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> MountPaths.checkMountPath(FIELD, path));
    assertThat(e.getMessage()).hasSizeLessThan(400).contains("…");
  }

  @Test
  void showsTheNormalisedFormAndTheReason() {
    ValidationException etc =
        catchThrowableOfType(
            ValidationException.class, () -> MountPaths.checkMountPath(FIELD, "/foo/../etc"));
    assertThat(etc.getMessage())
        .contains("\"/foo/../etc\" (/etc)")
        .contains("system configuration")
        .contains("/etc/myapp, is fine");

    ValidationException proc =
        catchThrowableOfType(
            ValidationException.class, () -> MountPaths.checkMountPath(FIELD, "/proc/1"));
    assertThat(proc.getMessage()).contains("/proc and everything under it");

    ValidationException sock =
        catchThrowableOfType(
            ValidationException.class,
            () -> MountPaths.checkMountPath(FIELD, "/var/run/docker.sock"));
    assertThat(sock.getMessage()).contains("Docker daemon");
  }

  @ParameterizedTest
  @ValueSource(strings = {"data", "etc", "./etc", "../etc", "proc/1"})
  void refusesRelativePathsAsInvalid(String mountPath) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> MountPaths.checkMountPath(FIELD, mountPath));
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.field()).isEqualTo(FIELD);
    assertThat(e.getMessage()).contains("is relative").contains("absolute path");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void requiresAMountPath(String mountPath) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> MountPaths.checkMountPath(FIELD, mountPath));
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.getMessage()).startsWith(FIELD + " is required");
  }
}
