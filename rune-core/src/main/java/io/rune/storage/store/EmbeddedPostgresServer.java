package io.rune.storage.store;

import io.rune.storage.DataDirLock;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server a single node runs for itself when no external database is
 * configured. Its cluster lives under {@code <dataDir>/pg} and survives restarts.
 *
 * <p>The embedded library is made for tests; this class makes it fit a control plane:
 * durable settings (the library turns fsync and synchronous_commit off), loopback only,
 * and no way in without a password (the library trusts every local connection, which
 * lets any local user become the superuser):
 * <ul>
 *   <li>every login is a password login over TCP on 127.0.0.1 ({@code scram-sha-256}); no
 *       Unix socket, no {@code trust}, no {@code local} line in {@code pg_hba.conf};
 *   <li>the passwords are random, made at first boot and kept in {@code <dataDir>/pg.passwords}
 *       (mode 0600; see {@link PostgresPasswords});
 *   <li>the server works as {@code rune}, the owner of database {@code rune} and of what is
 *       in it, not a superuser; {@code postgres} is used only to set that up at start.
 * </ul>
 * No moment has a trust rule listening: a new cluster is made by initdb with password
 * authentication, and every start (which also upgrades a cluster made by an older version,
 * whose configuration trusted everyone) sets the superuser's password in single-user mode
 * and rewrites {@code pg_hba.conf} before the postmaster opens its port. Every step is
 * idempotent and converges from a crash at any point.
 *
 * <p>PostgreSQL refuses to run as root; when this server does, the library starts the
 * database processes in a new user namespace ({@code unshare -U}), where they are not root.
 *
 * <p>Everything here blocks (it starts processes and waits for them): call it on a worker.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String DATABASE = "rune";
  private static final String APP_ROLE = "rune";
  private static final String SUPERUSER = "postgres";
  static final String PASSWORDS_FILE = "pg.passwords";
  private static final String HBA = """
      # Written by Rune Storage at every start; edits are lost. Password (SCRAM) logins over
      # loopback TCP only: no Unix socket is opened, and anything unmatched is refused.
      host all all 127.0.0.1/32 scram-sha-256
      """;

  private final EmbeddedPostgres postgres;
  private final PostgresPasswords passwords;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, PostgresPasswords passwords) {
    this.postgres = postgres;
    this.passwords = passwords;
  }

  /**
   * Starts (initialising on first use) the cluster in {@code clusterDir}. The data
   * directory's lock is required: it proves that a PostgreSQL still running on the cluster
   * is an orphan of an earlier server, not another live server's database.
   */
  public static EmbeddedPostgresServer start(DataDirLock lock, Path clusterDir, int port) throws IOException {
    if (!clusterDir.toAbsolutePath().normalize().startsWith(lock.dataDir().toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(clusterDir + " is not under the locked " + lock.dataDir());
    }
    // Both in words, before PostgreSQL starts: no binaries, or a cluster of another version.
    EmbeddedPostgresBinaries.checkCluster(clusterDir, EmbeddedPostgresBinaries.directory());
    Files.createDirectories(clusterDir);
    stopOrphan(clusterDir);
    PostgresPasswords passwords = PostgresPasswords.loadOrCreate(clusterDir.resolveSibling(PASSWORDS_FILE));
    boolean fresh = !Files.exists(clusterDir.resolve("postgresql.conf")); // the library's own test for initdb
    Path initdbPassword = clusterDir.resolveSibling(".pg-initdb-password");
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(clusterDir)
        .setCleanDataDirectory(false)
        // Stopped by the server's own shutdown, after its last write, not concurrently.
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        // The library's readiness check logs in as postgres, now with its password.
        .setConnectConfig("password", passwords.superuser())
        // Durable by default: the library passes -F (fsync off) and synchronous_commit=off.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("unix_socket_directories", "")
        .setServerConfig("password_encryption", "scram-sha-256")
        .setServerConfig("max_connections", "200")
        .setDataDirectoryCustomizer(dir -> lockDown(dir.toPath(), passwords));
    if (fresh) {
      // The library runs initdb with -A trust; initdb's later options win, so this one
      // makes the new cluster password-only from its first file.
      PrivateFile.write(initdbPassword, passwords.superuser() + "\n");
      builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", initdbPassword.toString());
    }
    EmbeddedPostgres postgres;
    try {
      postgres = builder.start();
    } catch (RuntimeException e) {
      throw new IOException("could not start the embedded PostgreSQL on " + clusterDir + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(initdbPassword);
    }
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, passwords);
    try {
      server.setUpAppRole();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    log.info("Embedded PostgreSQL running on 127.0.0.1:{} with data in {} (passwords in {})",
        postgres.getPort(), clusterDir, clusterDir.resolveSibling(PASSWORDS_FILE));
    return server;
  }

  /**
   * Between initdb and the postmaster's start (the library calls back there): the superuser
   * gets the password of the file, then pg_hba.conf becomes password-only, in that order, so
   * the rules that need a password never meet a superuser without one.
   */
  private static void lockDown(Path clusterDir, PostgresPasswords passwords) {
    try {
      String verifier = PasswordUtil.encodeScramSha256(passwords.superuser().toCharArray());
      PostgresSingleUser.run(clusterDir, SUPERUSER, List.of("ALTER ROLE " + SUPERUSER + " PASSWORD '" + verifier + "'"));
      PrivateFile.write(clusterDir.resolve("pg_hba.conf"), HBA);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
        .setUser(APP_ROLE)
        .setPassword(passwords.app());
  }

  /**
   * The one JDBC use in the product, as the superuser, before the non-blocking client has a
   * role and database to connect with: makes {@code rune} a role that can log in and do
   * nothing a superuser alone may (run programs, read files, make roles or databases), with
   * the password of the file, owner of database {@code rune}. A cluster from an older version
   * has its tables owned by postgres: they pass to {@code rune}, data untouched. Each step
   * is idempotent, so a crash between them is finished by the next start.
   */
  private void setUpAppRole() throws IOException {
    String attributes = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
    try (var conn = postgres.getPostgresDatabase().getConnection();
         var statement = conn.createStatement()) {
      boolean roleExists = exists(conn, "SELECT 1 FROM pg_roles WHERE rolname = ?", APP_ROLE);
      statement.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + APP_ROLE + attributes);
      // Hashed here: the statement carries a SCRAM verifier, never the password.
      conn.unwrap(PGConnection.class).alterUserPassword(APP_ROLE, passwords.app().toCharArray(), "scram-sha-256");
      if (exists(conn, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
        statement.execute("ALTER DATABASE " + DATABASE + " OWNER TO " + APP_ROLE);
      } else {
        statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_ROLE);
      }
    } catch (SQLException e) {
      throw new IOException("could not set up the role and database '" + DATABASE + "': " + e.getMessage(), e);
    }
    try (var conn = postgres.getDatabase(SUPERUSER, DATABASE).getConnection();
         var statement = conn.createStatement()) {
      statement.execute(GIVE_TABLES_TO_APP_ROLE);
    } catch (SQLException e) {
      throw new IOException("could not give the tables of '" + DATABASE + "' to role " + APP_ROLE + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Relations in schema public that postgres owns (what an older version made) pass to the
   * app role; indexes and the sequences of identity columns follow their tables. REASSIGN
   * OWNED cannot do this: postgres also owns the system catalogs.
   */
  private static final String GIVE_TABLES_TO_APP_ROLE = """
      DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = 'postgres'::regrole
              AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND (c.relkind <> 'S' OR NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
        LOOP
          EXECUTE format('ALTER %s %s OWNER TO rune',
              CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                  WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel);
        END LOOP;
      END $$""";

  private static boolean exists(java.sql.Connection conn, String query, String name) throws SQLException {
    try (var check = conn.prepareStatement(query)) {
      check.setString(1, name);
      try (var rs = check.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
