package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.Future;

/** Reads that admission needs, inside a transaction or outside one. */
public interface StoreReader {

  /** The object, or null when there is none. */
  Future<ApiObject> get(Kind kind, String namespace, String name);

  /** The default StorageClass, or null when there is none. */
  Future<ApiObject> defaultStorageClass();

  /** The encrypted values of Secret {@code namespace/name}, or null when there is no such secret. */
  Future<SealedSecret> sealedSecret(String namespace, String name);
}
