package io.rune.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Starts {@link BareBroadcastServer} as its own JVM, with the java and the JVM options given (runed's). */
final class BareBroadcastProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("bare broadcast server ready on 127\\.0\\.0\\.1:(\\d+) (.*)");

  final int port;
  final String shape;
  private final ChildProcess process;

  private BareBroadcastProcess(ChildProcess.Started started) {
    this.process = started.process();
    this.port = Integer.parseInt(started.readyLine().group(1));
    this.shape = started.readyLine().group(2);
  }

  static BareBroadcastProcess start(String javaCommand, List<String> jvmOptions, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaCommand);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareBroadcastServer.class.getName()));
    return new BareBroadcastProcess(ChildProcess.start("bare-broadcast", command, RunedServer.env(), log, READY,
        Duration.ofSeconds(60)));
  }

  ProcessHandle handle() {
    return process.handle();
  }

  @Override
  public void close() {
    process.close();
  }
}
