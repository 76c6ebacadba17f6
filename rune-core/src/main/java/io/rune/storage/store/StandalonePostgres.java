package io.rune.storage.store;

import io.rune.storage.DataDirLock;
import io.rune.storage.config.ConfigException;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code bin/rune-postgres}: the project's own embedded PostgreSQL 17, run on its own as the
 * external database of several {@code runed} nodes on one machine (a cluster needs one
 * database that outlives every node). It is {@link EmbeddedPostgresServer}, the database a
 * single node runs for itself, in the foreground: durable settings, 127.0.0.1 only, password
 * logins only, data kept in {@code DIR/pg} across starts. The URL the nodes connect with
 * (role {@code rune}, its random password) is written to {@code DIR/store.url}, mode 0600,
 * and printed with the password masked, so it never lands in a terminal's scrollback or a log.
 *
 * <p>Runs until SIGTERM or Ctrl-C, then stops PostgreSQL (fast shutdown: sessions end,
 * everything committed is on disk) before the process exits.
 */
public final class StandalonePostgres {
  static final String URL_FILE = "store.url";
  static final int DEFAULT_PORT = 5432;
  private static final String USAGE = """
      usage: rune-postgres --data DIR [--port 5432]
        Runs PostgreSQL 17 (the binaries runed embeds) in the foreground, for several runed nodes
        on this machine: listens on 127.0.0.1:PORT only, keeps its data in DIR/pg across starts,
        and writes the URL to give the nodes ([store] url or RUNE_STORE_URL) to DIR/store.url
        (mode 0600: it holds the password of role rune). Ctrl-C or SIGTERM stops it cleanly.""";

  /** The command line: the data directory and the port. */
  record Flags(Path data, int port) {
    static Flags parse(String... args) {
      Path data = null;
      int port = DEFAULT_PORT;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        int eq = arg.indexOf('=');
        String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
        if (name.equals("--help") || name.equals("-h")) {
          throw new Help();
        }
        if (!name.equals("--data") && !name.equals("--port")) {
          throw new ConfigException(arg.startsWith("-") ? "unknown flag '" + name + "'"
              : "unexpected argument '" + arg + "' (rune-postgres takes only flags)");
        }
        String value = eq > 0 && arg.startsWith("--") ? arg.substring(eq + 1)
            : i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : null;
        if (value == null || value.isEmpty()) {
          throw new ConfigException("flag " + name + " needs a value");
        }
        if (name.equals("--data")) {
          data = dataDir(value);
        } else {
          port = port(value);
        }
      }
      if (data == null) {
        throw new ConfigException("--data DIR is required: the directory PostgreSQL keeps its data in");
      }
      return new Flags(data, port);
    }

    private static Path dataDir(String value) {
      String expanded = value.equals("~") || value.startsWith("~/")
          ? System.getProperty("user.home") + value.substring(1) : value;
      try {
        return Path.of(expanded).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        throw new ConfigException("--data '" + value + "' is not a usable path: " + e.getReason());
      }
    }

    private static int port(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port >= 1 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // Falls through to the same message as a port out of range.
      }
      throw new ConfigException("--port '" + value + "' is not a port number from 1 to 65535");
    }
  }

  /** --help: not an error, the usage on stdout. */
  static final class Help extends RuntimeException {
    Help() {
      super(null, null, false, false);
    }
  }

  private StandalonePostgres() {}

  public static void main(String[] args) throws InterruptedException {
    Flags flags;
    try {
      flags = Flags.parse(args);
    } catch (Help help) {
      System.out.println(USAGE);
      return;
    } catch (ConfigException e) {
      System.err.println("rune-postgres: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    Running running;
    try {
      running = start(flags);
    } catch (ConfigException | IOException e) {
      System.err.println("rune-postgres: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.stop();
      stopped.countDown();
    }, "rune-postgres-stop"));
    System.out.println(running.readyLine());
    System.out.flush();
    // The foreground process: nothing to do until SIGTERM or Ctrl-C runs the hook.
    stopped.await();
  }

  /** A started PostgreSQL with the lock of its data directory. */
  record Running(Flags flags, DataDirLock lock, EmbeddedPostgresServer server, String version) {
    String readyLine() {
      return "rune-postgres: PostgreSQL " + version + " ready at " + maskedUrl(server.connectOptions())
          + " (the URL with its password is in " + flags.data().resolve(URL_FILE) + ", mode 0600; data in "
          + flags.data().resolve("pg") + "); Ctrl-C or SIGTERM stops it";
    }

    /** Stops PostgreSQL (unless a Ctrl-C reached it too and it already stopped), then the lock. */
    void stop() {
      try {
        if (Files.exists(flags.data().resolve("pg/postmaster.pid"))) {
          server.close();
        }
        lock.close();
        System.err.println("rune-postgres: PostgreSQL stopped; its data stays in " + flags.data().resolve("pg"));
      } catch (IOException | RuntimeException e) {
        System.err.println("rune-postgres: stopping PostgreSQL failed: " + e.getMessage());
      }
    }
  }

  /** Checks the directory and the port, then starts PostgreSQL and writes the URL file. Blocks. */
  static Running start(Flags flags) throws IOException {
    usableDataDir(flags.data());
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(flags.data());
    } catch (ConfigException e) {
      throw new ConfigException("data directory " + flags.data() + " is in use by another process (pid "
          + lockHolder(flags.data()) + ": a rune-postgres or a runed); stop it first or use another --data");
    }
    try {
      portFree(flags.port());
      EmbeddedPostgresServer server = EmbeddedPostgresServer.start(lock, flags.data().resolve("pg"), flags.port());
      try {
        PrivateFile.write(flags.data().resolve(URL_FILE), url(server.connectOptions()) + "\n");
        return new Running(flags, lock, server, version(server.connectOptions()));
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static void usableDataDir(Path data) {
    if (Files.exists(data) && !Files.isDirectory(data)) {
      throw new ConfigException("--data " + data + " is a file, not a directory; give a directory");
    }
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new ConfigException("--data " + data + " cannot be created (" + e.getMessage()
          + "); give a directory you may write to");
    }
    if (!Files.isWritable(data)) {
      throw new ConfigException("--data " + data + " is not writable by this user; give a directory you may write to");
    }
  }

  /** Told before PostgreSQL's own start fails with a line in its log that nobody reads. */
  private static void portFree(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new ConfigException("port " + port + " on 127.0.0.1 is taken (another PostgreSQL?); stop what"
          + " listens there or choose another with --port");
    }
  }

  private static String lockHolder(Path data) {
    try {
      String pid = Files.readString(data.resolve("runed.lock"), StandardCharsets.US_ASCII).trim();
      return pid.matches("\\d+") ? pid : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String url(PgConnectOptions options) {
    return "postgresql://" + options.getUser() + ":" + options.getPassword() + "@" + options.getHost() + ":"
        + options.getPort() + "/" + options.getDatabase();
  }

  private static String maskedUrl(PgConnectOptions options) {
    return "postgresql://" + options.getUser() + ":****@" + options.getHost() + ":" + options.getPort() + "/"
        + options.getDatabase();
  }

  /** Logs in as the nodes will (role rune, its password): the ready line promises that works. */
  private static String version(PgConnectOptions options) throws IOException {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {options.getHost()});
    source.setPortNumbers(new int[] {options.getPort()});
    source.setDatabaseName(options.getDatabase());
    source.setUser(options.getUser());
    source.setPassword(options.getPassword());
    try (var conn = source.getConnection(); var statement = conn.createStatement();
         var rs = statement.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IOException("PostgreSQL started but role " + options.getUser() + " cannot log in: " + e.getMessage(), e);
    }
  }
}
