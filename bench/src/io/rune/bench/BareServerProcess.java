package io.rune.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Starts {@link BareServer} as its own JVM, with the java and the JVM options given (runed's). */
final class BareServerProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("bare server ready on 127\\.0\\.0\\.1:(\\d+) (.*)");

  final int port;
  final String shape;
  private final ChildProcess process;

  private BareServerProcess(ChildProcess process, int port, String shape) {
    this.process = process;
    this.port = port;
    this.shape = shape;
  }

  static BareServerProcess start(String javaCommand, List<String> jvmOptions, int pgPort, String pgPassword,
      int poolSize, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaCommand);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareServer.class.getName(),
        Integer.toString(pgPort), Integer.toString(poolSize)));
    // In the environment, not the command line, where any local user could read it.
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("PGPASSWORD", pgPassword);
    ChildProcess.Started started = ChildProcess.start("bare-server", command, env, log, READY,
        Duration.ofSeconds(60));
    return new BareServerProcess(started.process(), Integer.parseInt(started.readyLine().group(1)),
        started.readyLine().group(2));
  }

  ProcessHandle handle() {
    return process.handle();
  }

  @Override
  public void close() {
    process.close();
  }
}
