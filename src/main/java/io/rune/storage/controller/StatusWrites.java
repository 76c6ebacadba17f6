package io.rune.storage.controller;

import io.rune.storage.driver.DriverException;
import io.rune.storage.model.ApiObject;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Status writes of controllers: optimistic, at the version the controller read. When the
 * row moved on (a user wrote it meanwhile) the write fails with {@link Moved} and the
 * reconcile starts over from the new row.
 */
final class StatusWrites {
  private final Store store;

  StatusWrites(Store store) {
    this.store = store;
  }

  /** Applies {@code change} to a copy of the status; a new phase stamps lastTransitionAt. */
  Future<ApiObject> write(ApiObject object, Consumer<JsonObject> change) {
    JsonObject status = object.status().copy();
    String phaseBefore = status.getString("phase");
    change.accept(status);
    if (!java.util.Objects.equals(phaseBefore, status.getString("phase"))) {
      status.put("lastTransitionAt", Instant.now().toString());
    }
    return store.update(object.withStatus(status)).recover(StatusWrites::movedOn);
  }

  /**
   * Records a failed attempt to reclaim an object's storage (the object stays Deleting) and
   * says when to try again: soon for a transient failure, at the cap for one that needs a person.
   */
  Future<Outcome> reclaimFailed(ApiObject object, String what, DriverException error,
      Backoff backoff) {
    int failures = object.status().getInteger("deleteAttempts", 0) + 1;
    Duration wait = error.retryable() ? backoff.after(failures) : backoff.max();
    return write(object, s -> s.put("deleteAttempts", failures)
            .put("reason", error.retryable() ? "DeleteFailedWillRetry" : "DeleteFailed")
            .put("message", "deleting the " + what + " failed (" + failures + " so far): " + error.getMessage()
                + "; next try in " + Backoff.format(wait)))
        .map(v -> Outcome.again(wait));
  }

  Future<ApiObject> remove(ApiObject object) {
    return store.delete(object).recover(StatusWrites::movedOn);
  }

  private static <T> Future<T> movedOn(Throwable err) {
    if (StoreException.is(err, StoreException.Type.CONFLICT)) {
      return Future.failedFuture(new Moved());
    }
    return Future.failedFuture(err);
  }

  /** The row changed since it was read. */
  static final class Moved extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Moved() {
      super("the object changed while it was being reconciled", null, false, false);
    }
  }
}
