package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.store.StoreException;
import io.rune.storage.store.StoreException.Type;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The read-then-write loop of DELETE, retry, detach and replica reports
 * ({@link Resources#untilNotMoved}) ends: a write that keeps meeting a Conflict is tried a
 * bounded number of times, and anything else is not tried again.
 */
class UntilNotMovedTest {

  @Test
  void aWriteThatAlwaysConflictsIsTriedTenTimesThenFailsWithTheConflict() {
    AtomicInteger writes = new AtomicInteger();
    StoreException moved = new StoreException(Type.CONFLICT, "Volume a/b has changed since resourceVersion 3");
    Future<Object> result = Resources.untilNotMoved(() -> {
      writes.incrementAndGet();
      return Future.failedFuture(moved);
    });
    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).isSameAs(moved);
    assertThat(writes).hasValue(10);
  }

  @Test
  void aFailureOtherThanAConflictIsNotTriedAgain() {
    AtomicInteger writes = new AtomicInteger();
    StoreException down = new StoreException(Type.UNAVAILABLE, "the database is unavailable");
    Future<Object> result = Resources.untilNotMoved(() -> {
      writes.incrementAndGet();
      return Future.failedFuture(down);
    });
    assertThat(result.cause()).isSameAs(down);
    assertThat(writes).hasValue(1);
  }

  @Test
  void aWriteThatLandsAfterAConflictIsTheAnswer() {
    AtomicInteger writes = new AtomicInteger();
    Future<String> result = Resources.untilNotMoved(() -> writes.incrementAndGet() < 3
        ? Future.failedFuture(new StoreException(Type.CONFLICT, "moved")) : Future.succeededFuture("written"));
    assertThat(result.result()).isEqualTo("written");
    assertThat(writes).hasValue(3);
  }
}
