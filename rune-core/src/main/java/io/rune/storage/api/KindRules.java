package io.rune.storage.api;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreReader;
import io.rune.storage.store.StoreTx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The admission rules of one kind: what makes a write valid, what defaults it gets, and
 * what it may not change later. Checks that need no database run first, outside the
 * write transaction; the rest run inside it, where every read is current.
 */
interface KindRules<S> {

  Kind kind();

  Class<S> specType();

  /** Checks of the input alone (may do blocking file-system checks on a worker). */
  Future<S> precheck(Principal principal, ResourceInput<S> input);

  /** Validates against other objects and returns the spec to store, defaults filled in. */
  Future<JsonObject> admitCreate(StoreReader reads, Principal principal, String namespace, S spec);

  /** As {@link #admitCreate}, for replacing {@code current}'s spec. */
  Future<JsonObject> admitUpdate(StoreReader reads, Principal principal, ApiObject current, S spec);

  /**
   * Stores an admitted new object: in {@code tx} when the write is part of a transaction
   * (null otherwise), else as one statement on {@code store}. A kind that keeps more than
   * the object row (a Secret's encrypted values) writes all of it here, in one transaction.
   */
  default Future<ApiObject> insert(Store store, StoreTx tx, ApiObject draft, S spec) {
    return tx != null ? tx.insert(draft) : store.insert(draft);
  }

  /**
   * What a merge patch of {@code current} ({@code patch}) applies to: the object as GET shows
   * it, unless the kind keeps fields GET does not show that the patch may change.
   */
  default Future<JsonObject> patchTarget(StoreReader reads, ApiObject current, JsonObject patch) {
    return Future.succeededFuture(current.toJson());
  }

  /** Whether replacing {@code current} by {@code next} (admitted for {@code spec}) would change nothing. */
  default Future<Boolean> unchanged(StoreReader reads, ApiObject current, ApiObject next, S spec) {
    return Future.succeededFuture(next.spec().equals(current.spec()) && next.labels().equals(current.labels()));
  }

  /** Stores {@code next}, still at the version it was read at, as {@link #insert} stores a new object. */
  default Future<ApiObject> update(Store store, StoreTx tx, ApiObject next, S spec) {
    return tx != null ? tx.update(next) : store.update(next);
  }

  /**
   * Whether a delete may ask for {@code cascade}: also deleting what the object owns. A
   * delete of any other kind that asks for it is refused before these rules see it.
   */
  default boolean cascades() {
    return false;
  }

  Future<Void> admitDelete(StoreReader reads, Principal principal, ApiObject current, boolean cascade);

  /**
   * Deletes an admitted object. By default the row goes at once; kinds whose storage must
   * be cleaned up first mark the row instead (with {@code cascade}, for kinds that
   * {@link #cascades()}) and let their controller remove it.
   */
  default Future<ApiObject> delete(Store store, ApiObject current, boolean cascade) {
    return store.delete(current);
  }

  JsonObject initialStatus();
}
