package io.rune.storage.drivers.digitalocean;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs commands as processes, on a small worker pool: formatting a disk must not block an event loop. */
final class ProcessCommandExecutor implements CommandExecutor {
  private static final long TIMEOUT_MINUTES = 10;
  private final WorkerExecutor workers;

  ProcessCommandExecutor(Vertx vertx) {
    this.workers = vertx.createSharedWorkerExecutor("rune-do-volume-commands", 2, TIMEOUT_MINUTES, TimeUnit.MINUTES);
  }

  @Override
  public Future<Result> run(List<String> command) {
    return workers.executeBlocking(() -> {
      Process process;
      try {
        process = new ProcessBuilder(command).start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + command.get(0) + ": " + e.getMessage(), e);
      }
      process.getOutputStream().close();
      // Read both streams at once: a tool that fills one pipe while we wait on the other would hang.
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
      String out = read(process, false);
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish within " + TIMEOUT_MINUTES + " minutes");
      }
      return new Result(process.exitValue(), out, err.join());
    }, false);
  }

  void close() {
    workers.close();
  }

  private static String read(Process process, boolean errors) {
    try {
      return new String((errors ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
