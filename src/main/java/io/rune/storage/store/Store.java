package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Durable state of every resource and the change log. Writes happen only inside
 * {@link #write}, which makes each one a row change, a change-log row and a notification
 * committed together.
 */
public interface Store {

  /** The object, or null when there is none. */
  Future<ApiObject> get(Kind kind, String namespace, String name);

  Future<Page> list(ListQuery query);

  /**
   * Runs {@code work} in one transaction that holds the change-log head: writers are
   * serialised, so every read inside sees every earlier committed write.
   */
  <T> Future<T> write(Function<StoreTx, Future<T>> work);

  /** Changes with seq greater than {@code afterSeq}, oldest first, at most {@code limit}. */
  Future<List<Change>> changesAfter(long afterSeq, int limit);

  Future<ChangeLogBounds> bounds();

  /** Removes change-log rows older than {@code before}, keeping the newest; returns how many. */
  Future<Integer> compact(Instant before);

  /** A cheap round trip, for readiness. */
  Future<Void> ping();
}
