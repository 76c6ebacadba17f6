package io.rune.storage;

import static io.rune.storage.testing.RunedProcess.awaitReady;
import static io.rune.storage.testing.RunedProcess.freePort;
import static io.rune.storage.testing.RunedProcess.log;
import static io.rune.storage.testing.RunedProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** bin/runed as a user runs it: a real process, its ready line, its config layers, SIGTERM. */
class RunedProcessIT {
  @Test
  void startsInDevModeServesAndShutsDownCleanlyOnSigterm() throws Exception {
    Path home = TestServer.tempDir("runed-home");
    Path dataDir = home.resolve(".rune");
    int port = freePort();
    Process runed = runed(home, List.of("--dev-mode", "--listen", "127.0.0.1:" + port, "--node", "n1"), null);
    try {
      Matcher ready = awaitReady(runed);
      assertThat(ready.group(2)).isEqualTo(Integer.toString(port));
      assertThat(ready.group(3)).isEqualTo("n1");
      assertThat(Path.of(ready.group(4))).isEqualTo(dataDir.resolve("admin.token"));
      Http http = new Http(RunedProcess.checkedBaseUrl(runed, ready),
          Files.readString(dataDir.resolve("admin.token")).trim());
      assertThat(http.get("/healthz").status()).isEqualTo(200);
      assertThat(http.get("/readyz").status()).isEqualTo(200);
      assertThat(http.get("/api/v1/storageclasses").items()).hasSize(2);
      assertThat(http.get("/metrics").body()).contains("rune_change_feed_seq");
      assertThat(http.get("/openapi.yaml").body()).startsWith("openapi: 3");
      // The console's files from the shaded jar, and its redirect.
      Http.Response console = http.get("/ui/");
      assertThat(console.status()).isEqualTo(200);
      assertThat(console.body()).contains("<noscript>");
      assertThat(http.get("/").header("Location")).isEqualTo("/ui/");
      assertThat(dataDir.resolve("pg/postmaster.pid")).exists();

      runed.destroy(); // SIGTERM
      assertThat(runed.waitFor(60, TimeUnit.SECONDS)).as("runed exits after SIGTERM").isTrue();
      assertThat(dataDir.resolve("pg/postmaster.pid")).as("the embedded database stopped too").doesNotExist();
      assertThat(log(runed)).as("the server's log").doesNotContain("has been blocked for");
    } finally {
      runed.destroyForcibly();
    }
  }

  @Test
  void aKilledServerRestartsOnItsDataWithItsOrphanedDatabaseStopped() throws Exception {
    Path home = TestServer.tempDir("runed-killed");
    Path dataDir = home.resolve(".rune");
    int port = freePort();
    List<String> args = List.of("--dev-mode", "--listen", "127.0.0.1:" + port);
    Process first = runed(home, args, null);
    Http http;
    try {
      Matcher ready = awaitReady(first);
      http = new Http(RunedProcess.checkedBaseUrl(first, ready),
          Files.readString(dataDir.resolve("admin.token")).trim());
      assertThat(http.post("/api/v1/namespaces/crash/volumes", new io.vertx.core.json.JsonObject()
          .put("name", "kept").put("size", "1Gi")).status()).isEqualTo(201);
    } finally {
      first.destroyForcibly(); // SIGKILL: no shutdown hook, the embedded PostgreSQL is left running
      first.waitFor(60, TimeUnit.SECONDS);
    }
    long orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).trim());
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

    Process second = runed(home, args, null);
    try {
      awaitReady(second);
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(http.get("/api/v1/namespaces/crash/volumes/kept").status()).isEqualTo(200);
    } finally {
      stop(second);
    }
  }

  @Test
  void environmentOverridesTheRunefile() throws Exception {
    Path home = TestServer.tempDir("runed-env");
    Path runefile = home.resolve("runefile.toml");
    int port = freePort();
    Files.writeString(runefile, """
        [server]
        listen = "127.0.0.1:1"
        dataDir = "%s"
        """.formatted(home.resolve("data")));
    Process runed = runed(home, List.of("--config", runefile.toString()), "127.0.0.1:" + port);
    try {
      assertThat(awaitReady(runed).group(2)).isEqualTo(Integer.toString(port));
      assertThat(home.resolve("data/admin.token")).exists();
    } finally {
      stop(runed);
    }
  }

  @Test
  void aBadRunefileIsAClearStartupError() throws Exception {
    Path home = TestServer.tempDir("runed-bad");
    Path runefile = home.resolve("runefile.toml");
    Files.writeString(runefile, "[storage]\ndefaultClass = \"fast\"\n");
    Process runed = runed(home, List.of("--config", runefile.toString()), null);
    assertThat(runed.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(runed.exitValue()).isNotZero();
    String errors = new String(runed.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(errors).contains("storage.defaultClass");
  }

  private static Process runed(Path home, List<String> args, String listenEnv) throws IOException {
    return RunedProcess.start(home, args, listenEnv, "");
  }
}
