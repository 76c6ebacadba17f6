package io.rune.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code bin/runed} in dev mode on a fresh data directory, as a user starts it. {@code home} holds
 * {@code bin/runed} and {@code rune-server/target/rune.jar} (the bench runs copies, see bench/run).
 */
final class RunedServer implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Rune Storage ready on http://127\\.0\\.0\\.1:(\\d+) ");

  final int port;
  final String token;
  final int pgPort;
  /** Where runed keeps its data: the database's cluster and its passwords among it. */
  final Path dataDir;
  /** The password of role rune, which the server works as, from {@code <dataDir>/pg.passwords}. */
  final String pgPassword;
  /** The embedded PostgreSQL's postmaster: pg_ctl starts it detached, so it is no child of runed. */
  final ProcessHandle postmaster;
  /** The JVM that serves (bin/runed execs java, so normally the very process started). */
  final ProcessHandle java;
  private final ChildProcess process;

  private RunedServer(ChildProcess process, int port, Path dataDir) throws IOException {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.token = Files.readString(dataDir.resolve("admin.token")).trim();
    List<String> pidFile = Files.readAllLines(dataDir.resolve("pg/postmaster.pid"));
    this.pgPort = Integer.parseInt(pidFile.get(3).trim());
    java.util.Properties passwords = new java.util.Properties();
    try (var in = Files.newBufferedReader(dataDir.resolve("pg.passwords"))) {
      passwords.load(in);
    }
    this.pgPassword = passwords.getProperty("rune");
    long postmasterPid = Long.parseLong(pidFile.get(0).trim());
    this.postmaster = ProcessHandle.of(postmasterPid)
        .orElseThrow(() -> new IllegalStateException("no PostgreSQL with pid " + postmasterPid));
    this.java = findJava(process.handle());
  }

  static RunedServer start(Path home, Path dataDir, Path log) throws IOException {
    return start(home, dataDir, log, null);
  }

  /** As {@link #start(Path, Path, Path)}, reading the runefile {@code runefile} (none when null). */
  static RunedServer start(Path home, Path dataDir, Path log, Path runefile) throws IOException {
    Map<String, String> env = env();
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/runed").toString(), "--dev-mode",
        "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:0"));
    if (runefile != null) {
      command.addAll(List.of("--config", runefile.toString()));
    }
    ChildProcess.Started started = ChildProcess.start("runed", command, env, log, READY, Duration.ofMinutes(5));
    return new RunedServer(started.process(), Integer.parseInt(started.readyLine().group(1)), dataDir);
  }

  /** The caller's environment without its RUNE_* settings, which would skew the comparison; JVM options stay. */
  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(key -> key.startsWith("RUNE_") && !key.equals("RUNE_JAVA_OPTS"));
    return env;
  }

  static ProcessHandle findJava(ProcessHandle started) {
    if (isJava(started)) {
      return started;
    }
    return started.descendants().filter(RunedServer::isJava).findFirst()
        .orElseThrow(() -> new IllegalStateException("no java process under bin/runed (pid " + started.pid() + ")"));
  }

  private static boolean isJava(ProcessHandle handle) {
    return handle.info().command().map(c -> c.endsWith("/java")).orElse(false);
  }

  /** The java runed's JVM runs on. */
  String javaCommand() {
    return java.info().command().orElse("java");
  }

  /** The options runed's JVM really got: its arguments before {@code -jar}. */
  List<String> jvmOptions() throws IOException {
    String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(java.pid()), "cmdline")),
        StandardCharsets.UTF_8);
    List<String> args = Arrays.asList(cmdline.split("\0"));
    int jar = args.indexOf("-jar");
    if (jar < 0) {
      throw new IllegalStateException("runed's java was not started with -jar: " + args);
    }
    return List.copyOf(args.subList(1, jar));
  }

  String logTail() {
    return process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }
}
