package io.rune.storage.controller;

import io.rune.storage.driver.DriverException;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.PhaseField;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
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
    Object phaseBefore = status.getValue(PhaseField.NAME);
    change.accept(status);
    if (!java.util.Objects.equals(phaseBefore, status.getValue(PhaseField.NAME))) {
      status.put("lastTransitionAt", Instant.now().toString());
    }
    return store.update(object.withStatus(status)).recover(StatusWrites::movedOn);
  }

  /**
   * Runs {@code work} when the object's next attempt is due; until then (or when its
   * operation has stopped, waiting for the retry verb) nothing is done.
   */
  Future<Outcome> whenDue(ApiObject object, AttemptCycle cycle, Function<ApiObject, Future<Outcome>> work) {
    if (AttemptCycle.stopped(object.status())) {
      return Future.succeededFuture(Outcome.DONE);
    }
    Duration wait = AttemptCycle.untilDue(object.status());
    return wait.isZero() ? work.apply(object) : Future.succeededFuture(Outcome.again(wait));
  }

  /** Records a failed attempt of {@code operation} (the next attempt number after the status's) as the cycle decides. */
  Future<Outcome> failed(ApiObject object, AttemptCycle cycle, AttemptCycle.Operation operation,
      DriverException error) {
    int attempt = object.status().getInteger("attempts", 0) + 1;
    return decide(object, cycle.failed(operation, attempt, error, AttemptCycle.RETRY_HINT));
  }

  /** Writes a decision of the attempt cycle and gives its outcome. */
  Future<Outcome> decide(ApiObject object, AttemptCycle.Decision decision) {
    return write(object, decision.change()).map(written -> decision.outcome());
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
