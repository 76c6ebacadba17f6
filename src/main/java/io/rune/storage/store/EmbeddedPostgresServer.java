package io.rune.storage.store;

import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server a single node runs for itself when no external database is
 * configured. Its cluster lives under {@code <dataDir>/pg} and survives restarts.
 *
 * <p>The embedded library is made for tests; this class makes it fit a control plane:
 * durable settings (the library turns fsync and synchronous_commit off) and loopback only.
 * PostgreSQL refuses to run as root; when this server does, the library starts the
 * database processes in a new user namespace ({@code unshare -U}), where they are not root.
 *
 * <p>Everything here blocks (it starts processes and waits for them): call it on a worker.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String DATABASE = "rune";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts (initialising on first use) the cluster in {@code clusterDir}. */
  public static EmbeddedPostgresServer start(Path clusterDir, int port) throws IOException {
    Files.createDirectories(clusterDir);
    stopOrphan(clusterDir);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(clusterDir)
        .setCleanDataDirectory(false)
        // Stopped by the server's own shutdown, after its last write, not concurrently.
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        // Durable by default: the library passes -F (fsync off) and synchronous_commit=off.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200");
    EmbeddedPostgres postgres = builder.start();
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres);
    server.createDatabaseIfMissing();
    log.info("Embedded PostgreSQL running on 127.0.0.1:{} with data in {}", postgres.getPort(), clusterDir);
    return server;
  }

  /**
   * A server killed without its shutdown (SIGKILL, power loss of the JVM only) leaves its
   * postmaster running on the cluster, which would keep the next start from using it.
   * Stop that orphan first so a restart converges.
   */
  private static void stopOrphan(Path clusterDir) throws IOException {
    Path pidFile = clusterDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (RuntimeException e) {
      return; // unreadable: PostgreSQL itself judges stale lock files
    }
    var orphan = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    if (orphan.isPresent()) {
      log.warn("Stopping PostgreSQL {} left running on {} by an earlier server", pid, clusterDir);
      orphan.get().destroy();
      try {
        orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("an earlier PostgreSQL (pid " + pid + ") still runs on " + clusterDir
            + " and did not stop; stop it and start again", e);
      }
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost("127.0.0.1")
        .setPort(postgres.getPort())
        .setDatabase(DATABASE)
        .setUser("postgres")
        .setPassword("postgres");
  }

  /**
   * The one JDBC use in the product: creating the application database while
   * bootstrapping, before the non-blocking client has a database to connect to.
   */
  private void createDatabaseIfMissing() throws IOException {
    try (var conn = postgres.getPostgresDatabase().getConnection();
         var check = conn.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      check.setString(1, DATABASE);
      try (var rs = check.executeQuery()) {
        if (!rs.next()) {
          try (var create = conn.createStatement()) {
            create.execute("CREATE DATABASE " + DATABASE);
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IOException("could not create the database '" + DATABASE + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
