package io.rune.storage;

import static io.rune.storage.testing.RunedProcess.awaitReady;
import static io.rune.storage.testing.RunedProcess.freePort;
import static io.rune.storage.testing.RunedProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One server per data directory: a second one is refused and touches nothing of the first's. */
class DataDirLockIT {

  @Test
  void aSecondRunedOnADataDirectoryInUseExitsAndChangesNothing() throws Exception {
    Path home = TestServer.tempDir("runed-lock");
    Path dataDir = home.resolve(".rune");
    Process first = RunedProcess.start(home, List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort()), null, "");
    try {
      Matcher ready = awaitReady(first);
      Http http = new Http(RunedProcess.checkedBaseUrl(first, ready),
          Files.readString(dataDir.resolve("admin.token")).trim());
      String postmasterPid = Files.readString(dataDir.resolve("pg/postmaster.pid"));
      long postmaster = Long.parseLong(postmasterPid.lines().findFirst().orElseThrow().trim());
      Map<String, String> before = topLevel(dataDir);

      Process second = RunedProcess.start(home, List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort()), null, "");
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second runed exits").isTrue();
      assertThat(second.exitValue()).isNotZero();
      String errors = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      // bin/runed execs java: the first process is the JVM that holds the lock.
      assertThat(errors).contains("data directory " + dataDir + " is in use by another runed (pid " + first.pid()
          + "); stop it first or use another --data-dir");

      assertThat(Files.readString(dataDir.resolve("pg/postmaster.pid"))).isEqualTo(postmasterPid);
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).contains(true);
      assertThat(topLevel(dataDir)).as("names, sizes and times of the data directory's files").isEqualTo(before);
      assertThat(http.get("/readyz").status()).isEqualTo(200);
      assertThat(http.post("/api/v1/namespaces/prod/volumes",
          new JsonObject().put("name", "still-served").put("size", "1Gi")).status()).isEqualTo(201);
    } finally {
      stop(first);
    }

    Process third = RunedProcess.start(home, List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort()), null, "");
    try {
      Matcher ready = awaitReady(third);
      Http http = new Http(RunedProcess.checkedBaseUrl(third, ready),
          Files.readString(dataDir.resolve("admin.token")).trim());
      assertThat(http.get("/api/v1/namespaces/prod/volumes/still-served").status()).isEqualTo(200);
    } finally {
      stop(third);
    }
  }

  @Test
  void aSecondServerInTheSameJvmIsRefusedToo() throws Exception {
    Path dataDir = TestServer.tempDir("jvm-lock");
    try (TestServer first = TestServer.start(dataDir, new JsonObject()).removingOnClose()) {
      assertThatThrownBy(() -> TestServer.start(dataDir, new JsonObject()).close())
          .hasMessageContaining("data directory " + dataDir + " is in use by another runed");
      assertThat(first.admin().get("/readyz").status()).isEqualTo(200);
      assertThat(first.admin().post("/api/v1/namespaces/prod/volumes",
          new JsonObject().put("name", "v").put("size", "1Gi")).status()).isEqualTo(201);
      // The refused one closed no descriptor of the lock file: another process is still kept out.
      assertThat(lockedByThisProcess(dataDir)).isTrue();

      first.stop();
      try (TestServer next = TestServer.start(dataDir, new JsonObject())) {
        assertThat(next.admin().get("/api/v1/namespaces/prod/volumes/v").status()).isEqualTo(200);
      }
    }
  }

  /** Whether another process finds runed.lock locked: a JVM of {@link Probe} tries it. */
  private static boolean lockedByThisProcess(Path dataDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process probe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
        dataDir.resolve("runed.lock").toString()).inheritIO().start();
    assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(probe.exitValue()).as("the probe's answer").isIn(0, 3);
    return probe.exitValue() == 3;
  }

  /** Exits 0 when it could lock the file given, 3 when another process holds it. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      try (var channel = java.nio.channels.FileChannel.open(Path.of(args[0]), java.nio.file.StandardOpenOption.WRITE);
           var lock = channel.tryLock()) {
        System.exit(lock == null ? 3 : 0);
      }
    }
  }

  private static Map<String, String> topLevel(Path dir) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        files.put(entry.getFileName().toString(), Files.isDirectory(entry) ? "dir"
            : Files.size(entry) + " bytes, modified " + Files.getLastModifiedTime(entry).toMillis());
      }
    }
    return files;
  }
}
