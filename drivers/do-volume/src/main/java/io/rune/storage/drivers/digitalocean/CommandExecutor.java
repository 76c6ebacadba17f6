package io.rune.storage.drivers.digitalocean;

import io.vertx.core.Future;
import java.util.List;

/**
 * Runs a system tool (blkid, mkfs, mount …) and reports how it ended. The real one runs
 * processes on a worker pool; tests record the commands and play the tools' real answers.
 */
interface CommandExecutor {

  /** How a command ended: its exit status and what it printed. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs {@code command} (program and arguments, no shell); fails only when it could not be started. */
  Future<Result> run(List<String> command);
}
