package io.rune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.LogWatch;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL takes no one in without a password: not a local user trying the
 * superuser with no password or the old fixed one, not through a Unix socket. The server
 * itself works as a role that is not a superuser, and a data directory an older version
 * made (trust, tables owned by postgres) is brought to the same state without losing data.
 */
class EmbeddedDatabaseAccessIT {

  @Test
  void onlyPasswordLoginsOverLoopbackAndTheServerIsNoSuperuser() throws Exception {
    Path dataDir = TestServer.tempDir("pg-access");
    // Passwords known in advance (the server keeps a file it finds), to look for them in the log.
    String superuserPassword = "su-" + java.util.UUID.randomUUID();
    String appPassword = "app-" + java.util.UUID.randomUUID();
    Files.writeString(dataDir.resolve("pg.passwords"), "postgres=" + superuserPassword + "\nrune=" + appPassword + "\n");
    try (LogWatch logs = LogWatch.start(java.util.Set.of(superuserPassword, appPassword));
         TestServer server = TestServer.start(dataDir, new JsonObject()).removingOnClose()) {
      int port = pgPort(dataDir);
      Properties passwords = passwords(dataDir);
      assertThat(passwords.getProperty("rune")).isEqualTo(appPassword);

      for (String role : List.of("postgres", "rune")) {
        for (String password : new String[] {null, "", "postgres", "rune", passwords.getProperty(role) + "x"}) {
          assertThatThrownBy(() -> connect(port, role, password).close())
              .as("%s with password %s", role, password)
              .isInstanceOf(SQLException.class);
        }
        // The server's own answer, not only the driver's refusal to send no password.
        assertThatThrownBy(() -> connect(port, role, "wrong").close())
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      }

      assertThat(Files.getPosixFilePermissions(dataDir.resolve("pg.passwords")))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      String hba = Files.readString(dataDir.resolve("pg/pg_hba.conf"));
      assertThat(rules(hba)).containsExactly("host all all 127.0.0.1/32 scram-sha-256");
      for (String dir : List.of("/tmp", "/var/run/postgresql", "/run/postgresql", dataDir.resolve("pg").toString())) {
        assertThat(Path.of(dir, ".s.PGSQL." + port)).as("a Unix socket in %s", dir).doesNotExist();
      }

      try (Connection superuser = connect(port, "postgres", passwords.getProperty("postgres"))) {
        assertThat(value(superuser, "SELECT current_setting('unix_socket_directories')")).isEmpty();
        assertThat(value(superuser, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'"))
            .isEqualTo("0");
      }
      try (Connection app = connect(port, "rune", passwords.getProperty("rune"))) {
        assertThat(value(app, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
        // Every connection the server holds (its pool and the change feed's LISTEN) is rune's.
        assertThat(value(app, "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity"
            + " WHERE datname = 'rune' AND pid <> pg_backend_pid()")).isEqualTo("rune");
        assertThatThrownBy(() -> value(app, "COPY (SELECT 1) TO PROGRAM 'cat " + dataDir.resolve("admin.token") + "'"))
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        assertThatThrownBy(() -> value(app, "SELECT pg_read_file('" + dataDir.resolve("admin.token") + "')"))
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        assertThatThrownBy(() -> value(app, "CREATE ROLE intruder SUPERUSER"))
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      }
      assertThat(server.admin().get("/readyz").status()).isEqualTo(200);
      assertThat(logs.events()).isPositive();
      assertThat(logs.sightings()).as("log lines with a password").isEmpty();
    }
  }

  @Test
  void aDataDirectoryOfAnOlderVersionIsUpgradedWithItsData() throws Exception {
    Path dataDir = TestServer.tempDir("pg-upgrade");
    String volume;
    // As the older version ran it: the library's defaults (trust), database and tables as postgres.
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg"))
        .setCleanDataDirectory(false).start()) {
      try (Connection conn = old.getPostgresDatabase().getConnection()) {
        conn.createStatement().execute("CREATE DATABASE rune");
      }
      JsonObject runefile = new JsonObject().put("store", new JsonObject()
          .put("url", "postgresql://postgres@127.0.0.1:" + old.getPort() + "/rune"));
      try (TestServer server = TestServer.start(dataDir, runefile)) {
        Http admin = server.admin();
        assertThat(admin.post("/api/v1/namespaces/prod/volumes",
            new JsonObject().put("name", "kept").put("size", "1Gi")).status()).isEqualTo(201);
        JsonObject created = admin.get("/api/v1/namespaces/prod/volumes/kept").json();
        volume = created.getString("uid") + " " + created.getString("size");
      }
    }
    assertThat(rules(Files.readString(dataDir.resolve("pg/pg_hba.conf")))).anyMatch(rule -> rule.endsWith("trust"));

    try (TestServer server = TestServer.start(dataDir, new JsonObject()).removingOnClose()) {
      Http admin = server.admin();
      JsonObject kept = admin.get("/api/v1/namespaces/prod/volumes/kept").json();
      assertThat(kept.getString("uid") + " " + kept.getString("size")).isEqualTo(volume);
      assertThat(admin.post("/api/v1/namespaces/prod/volumes",
          new JsonObject().put("name", "after").put("size", "1Gi")).status()).isEqualTo(201);
      assertThat(rules(Files.readString(dataDir.resolve("pg/pg_hba.conf"))))
          .containsExactly("host all all 127.0.0.1/32 scram-sha-256");
      int port = pgPort(dataDir);
      assertThatThrownBy(() -> connect(port, "postgres", "postgres").close()).isInstanceOf(SQLException.class);
      try (Connection app = connect(port, "rune", passwords(dataDir).getProperty("rune"))) {
        assertThat(value(app, "SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class"
            + " WHERE relnamespace = 'public'::regnamespace")).isEqualTo("rune");
        assertThat(value(app, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'rune'"))
            .isEqualTo("rune");
      }

      // A crash part-way leaves any mix of old and new; the next start converges from it. The
      // worst mix: the old trust rules back and the passwords file gone.
      server.stop();
      Files.writeString(dataDir.resolve("pg/pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
      Files.delete(dataDir.resolve("pg.passwords"));
      server.start();
      assertThat(server.admin().get("/api/v1/namespaces/prod/volumes/after").status()).isEqualTo(200);
      assertThat(rules(Files.readString(dataDir.resolve("pg/pg_hba.conf"))))
          .containsExactly("host all all 127.0.0.1/32 scram-sha-256");
      assertThatThrownBy(() -> connect(pgPort(dataDir), "postgres", null).close()).isInstanceOf(SQLException.class);
    }
  }

  private static Connection connect(int port, String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rune", properties);
  }

  private static String value(Connection conn, String query) throws SQLException {
    try (var statement = conn.createStatement(); var rs = statement.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static int pgPort(Path dataDir) throws Exception {
    return Integer.parseInt(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(3).trim());
  }

  private static Properties passwords(Path dataDir) throws Exception {
    Properties passwords = new Properties();
    try (var in = Files.newBufferedReader(dataDir.resolve("pg.passwords"))) {
      passwords.load(in);
    }
    return passwords;
  }

  /** The rules of a pg_hba.conf, blanks collapsed, comments left out. */
  private static List<String> rules(String hba) {
    List<String> rules = new ArrayList<>();
    hba.lines().map(line -> line.replaceAll("#.*", "").trim().replaceAll("\\s+", " "))
        .filter(line -> !line.isEmpty()).forEach(rules::add);
    return rules;
  }
}
