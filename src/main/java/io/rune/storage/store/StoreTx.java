package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.Future;
import java.util.List;

/** The operations available inside one write transaction. */
public interface StoreTx {

  /** The object, or null; locked against other writers until commit. */
  Future<ApiObject> get(Kind kind, String namespace, String name);

  /** The default StorageClass, or null when there is none. */
  Future<ApiObject> defaultStorageClass();

  /** Objects of a kind whose spec contains {@code specFragment} (JSON containment). */
  Future<List<ApiObject>> findBySpec(Kind kind, io.vertx.core.json.JsonObject specFragment);

  /** Stores a new object; its version and timestamps are assigned here. */
  Future<ApiObject> insert(ApiObject object);

  /** Replaces spec, labels and status of an existing object; assigns the next version. */
  Future<ApiObject> update(ApiObject object);

  /**
   * Records that a one-time step (such as seeding the built-in classes) has happened;
   * true only for the first caller ever, on any node.
   */
  Future<Boolean> markOnce(String what);

  /** Removes the object and logs the deletion. */
  Future<ApiObject> delete(ApiObject object);
}
