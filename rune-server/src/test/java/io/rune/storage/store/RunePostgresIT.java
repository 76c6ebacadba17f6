package io.rune.storage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * bin/rune-postgres as a user runs it, a real process: it prints its ready line with the URL
 * masked, the URL file it writes logs in, SIGTERM stops PostgreSQL itself (nothing listens and
 * no postgres process is left), and a second start on the same directory finds the data.
 */
class RunePostgresIT {
  private static final Pattern READY = Pattern.compile(
      "rune-postgres: PostgreSQL (17\\.\\d+) ready at (postgresql://rune:\\*\\*\\*\\*@127\\.0\\.0\\.1:(\\d+)/rune)"
          + " \\(the URL with its password is in (\\S+), mode 0600; data in (\\S+)\\); Ctrl-C or SIGTERM stops it");

  private final Path dir = TestServer.tempDir("rune-postgres");

  @AfterEach
  void cleanUp() {
    TestServer.deleteTree(dir);
  }

  @Test
  void servesAUrlWithAPasswordStopsOnSigtermAndKeepsItsDataForTheNextStart() throws Exception {
    Path data = dir.resolve("db");
    int port = RunedProcess.freePort();
    Process first = start("--data", data.toString(), "--port", String.valueOf(port));
    Matcher ready = awaitReady(first);
    assertThat(ready.group(3)).isEqualTo(String.valueOf(port));
    assertThat(Path.of(ready.group(4))).isEqualTo(data.resolve("store.url"));
    assertThat(Files.getPosixFilePermissions(data.resolve("store.url")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String url = Files.readString(data.resolve("store.url")).trim();
    assertThat(url).matches("postgresql://rune:[A-Za-z0-9_-]{20,}@127\\.0\\.0\\.1:" + port + "/rune");
    long postmaster = postmasterPid(data);

    try (Connection conn = connect(url)) {
      conn.createStatement().execute("CREATE TABLE kept (note text)");
      conn.createStatement().execute("INSERT INTO kept VALUES ('written before the stop')");
    }
    assertThat(connectFails(url.replaceFirst(":[^:@]+@", ":wrong@"))).as("a wrong password is refused").isTrue();

    first.destroy(); // SIGTERM
    assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("rune-postgres exits after SIGTERM").isTrue();
    // pg_ctl stop returns once the postmaster removed its pid file, a moment before it exits.
    await("the postmaster stopped with it").atMost(Duration.ofSeconds(10))
        .until(() -> !ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false));
    assertThat(listening(port)).as("nothing listens on %d any more", port).isFalse();
    assertThat(data.resolve("pg/postmaster.pid")).doesNotExist();

    Process second = start("--data", data.toString(), "--port", String.valueOf(port));
    try {
      awaitReady(second);
      assertThat(Files.readString(data.resolve("store.url")).trim()).as("the same password").isEqualTo(url);
      try (Connection conn = connect(url);
           var rs = conn.createStatement().executeQuery("SELECT note FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("written before the stop");
      }

      // While it runs: the same directory, and the same port, are refused with what to do.
      Process sameDir = start("--data", data.toString(), "--port", String.valueOf(RunedProcess.freePort()));
      assertThat(finish(sameDir)).contains("rune-postgres: could not start: data directory " + data
          + " is in use by another process (pid " + second.pid());
      assertThat(sameDir.exitValue()).isEqualTo(1);
      Process samePort = start("--data", dir.resolve("other").toString(), "--port", String.valueOf(port));
      assertThat(finish(samePort)).contains("rune-postgres: could not start: port " + port
          + " on 127.0.0.1 is taken (another PostgreSQL?); stop what listens there or choose another with --port");
      assertThat(samePort.exitValue()).isEqualTo(1);
    } finally {
      second.destroy();
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void refusesADataDirectoryThatIsAFileAndAMissingDataFlag() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Process onFile = start("--data", file.toString());
    assertThat(finish(onFile)).contains("rune-postgres: could not start: --data " + file
        + " is a file, not a directory; give a directory");
    assertThat(onFile.exitValue()).isEqualTo(1);

    Process noData = start("--port", "5432");
    assertThat(finish(noData)).contains("rune-postgres: --data DIR is required");
    assertThat(noData.exitValue()).isEqualTo(2);
  }

  private Process start(String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("bin/rune-postgres"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile());
    builder.environment().remove("RUNE_JAVA_OPTS");
    return builder.start();
  }

  private static Matcher awaitReady(Process process) throws Exception {
    Matcher matcher = RunedProcess.awaitLine(process, READY);
    assertThat(matcher).as("rune-postgres printed its ready line; its log:%n%s", RunedProcess.log(process)).isNotNull();
    return matcher;
  }

  /** Everything a process that should fail at once printed (both streams), once it has exited. */
  private static String finish(Process process) throws Exception {
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
    String err = drain(process.getErrorStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("rune-postgres exited").isTrue();
    return out.get(10, TimeUnit.SECONDS) + err;
  }

  private static String drain(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static long postmasterPid(Path data) throws IOException {
    return Long.parseLong(Files.readAllLines(data.resolve("pg/postmaster.pid")).get(0).trim());
  }

  /** JDBC takes the password apart from the URL. */
  private static Connection connect(String url) throws Exception {
    Matcher parts = Pattern.compile("postgresql://([^:]+):([^@]+)@(.+)").matcher(url);
    assertThat(parts.matches()).isTrue();
    return DriverManager.getConnection("jdbc:postgresql://" + parts.group(3), parts.group(1), parts.group(2));
  }

  private static boolean connectFails(String url) {
    try (Connection ignored = connect(url)) {
      return false;
    } catch (Exception e) {
      return e.getMessage().contains("password authentication failed");
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
