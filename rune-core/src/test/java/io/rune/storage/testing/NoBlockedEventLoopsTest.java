package io.rune.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The guard itself: an event loop that blocks is seen, so the suite would fail on it. */
class NoBlockedEventLoopsTest {

  @Test
  void aBlockedEventLoopIsRecorded() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setBlockedThreadCheckInterval(20).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(50).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    try {
      CompletableFuture<Void> done = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        // Deliberately hog the event loop until the checker has spoken (or 5 s pass).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (BlockedThreadRecorder.warnings().isEmpty() && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        done.complete(null);
      });
      done.get(10, TimeUnit.SECONDS);
      assertThat(BlockedThreadRecorder.warnings()).anySatisfy(w -> assertThat(w).contains("blocked"));
    } finally {
      // Close first: the checker may still report the loop it just saw blocked.
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      BlockedThreadRecorder.clear(); // seen and expected here; any other test would fail on it
    }
  }
}
