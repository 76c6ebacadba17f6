package io.rune.storage.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server for the whole test JVM, standing in for an operator's external
 * database: servers under test reach it only through a postgresql:// URL. Each test
 * class gets a database of its own, so classes never see each other's rows.
 */
public final class TestPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return server;
  }

  /** Creates a fresh, empty database and returns its URL. */
  public static String newDatabaseUrl(String prefix) {
    String name = (prefix + "_" + DATABASES.incrementAndGet()).toLowerCase().replaceAll("[^a-z0-9_]", "_");
    try (Connection conn = server().getPostgresDatabase().getConnection();
         Statement statement = conn.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return url(server().getPort(), name);
  }

  public static String url(int port, String database) {
    return "postgresql://postgres:postgres@127.0.0.1:" + port + "/" + database;
  }

  /**
   * The URL of database rune of the embedded PostgreSQL of a server's data directory, as the
   * role the server works as, with the password the server keeps in {@code <dataDir>/pg.passwords}.
   */
  public static String embeddedUrl(java.nio.file.Path dataDir) {
    return embeddedUrl(dataDir, "rune");
  }

  /** As {@link #embeddedUrl(java.nio.file.Path)}, as {@code role} (rune or postgres). */
  public static String embeddedUrl(java.nio.file.Path dataDir, String role) {
    try {
      // postmaster.pid: pid, data directory, start time, port, ...
      String port = java.nio.file.Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(3).trim();
      java.util.Properties passwords = new java.util.Properties();
      try (var in = java.nio.file.Files.newBufferedReader(dataDir.resolve("pg.passwords"))) {
        passwords.load(in);
      }
      return "postgresql://" + role + ":" + passwords.getProperty(role) + "@127.0.0.1:" + port + "/rune";
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
