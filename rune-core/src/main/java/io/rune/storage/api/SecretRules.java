package io.rune.storage.api;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.SecretSpec;
import io.rune.storage.model.SecretStatus;
import io.rune.storage.secrets.SecretCipher;
import io.rune.storage.secrets.SecretException;
import io.rune.storage.secrets.SecretValues;
import io.rune.storage.store.SealedSecret;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreReader;
import io.rune.storage.store.StoreTx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * Admission and storage of Secrets. The object row keeps no value: its spec is empty and
 * its status lists the key names, so every read, list, watch frame and event shows those
 * only. The values are encrypted under the server's key and written to their own table in
 * the transaction that writes the row; a PUT or an /apply replaces them all.
 */
final class SecretRules implements KindRules<SecretSpec> {
  private final SecretCipher cipher;

  SecretRules(SecretCipher cipher) {
    this.cipher = cipher;
  }

  @Override
  public Kind kind() {
    return Kind.SECRET;
  }

  @Override
  public Class<SecretSpec> specType() {
    return SecretSpec.class;
  }

  @Override
  public Future<SecretSpec> precheck(Principal principal, ResourceInput<SecretSpec> input) {
    return Future.succeededFuture(Validation.check(() -> input.spec().validated()));
  }

  @Override
  public Future<JsonObject> admitCreate(StoreReader reads, Principal principal, String namespace, SecretSpec spec) {
    return Future.succeededFuture(new JsonObject());
  }

  @Override
  public Future<JsonObject> admitUpdate(StoreReader reads, Principal principal, ApiObject current, SecretSpec spec) {
    return Future.succeededFuture(new JsonObject());
  }

  @Override
  public Future<Void> admitDelete(StoreReader reads, Principal principal, ApiObject current, boolean cascade) {
    return Future.succeededFuture();
  }

  @Override
  public JsonObject initialStatus() {
    return new JsonObject();
  }

  @Override
  public Future<ApiObject> insert(Store store, StoreTx tx, ApiObject draft, SecretSpec spec) {
    ApiObject object = draft.withStatus(status(spec));
    return inTransaction(store, tx, t -> t.insert(object).compose(stored -> seal(t, stored, spec)));
  }

  /**
   * The same labels and the same values (decrypted and compared here, never shown). Values
   * that do not decrypt count as changed, so that writing them again repairs the secret.
   */
  @Override
  public Future<Boolean> unchanged(StoreReader reads, ApiObject current, ApiObject next, SecretSpec spec) {
    if (!next.labels().equals(current.labels())) {
      return Future.succeededFuture(false);
    }
    return new SecretValues(reads, cipher).values(current.namespace(), current.name())
        .map(values -> values.equals(spec.data()))
        .recover(err -> err instanceof SecretException ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  @Override
  public Future<ApiObject> update(Store store, StoreTx tx, ApiObject next, SecretSpec spec) {
    ApiObject object = next.withStatus(status(spec));
    return inTransaction(store, tx, t -> t.update(object).compose(stored -> seal(t, stored, spec)));
  }

  /** Encrypts the values for the object as stored (its uid is part of the associated data). */
  private Future<ApiObject> seal(StoreTx tx, ApiObject stored, SecretSpec spec) {
    byte[] box = cipher.seal(stored.namespace(), stored.name(), stored.uid(), spec.data());
    return tx.putSealedSecret(new SealedSecret(stored.uid(), cipher.keyId(), box)).map(stored);
  }

  private static Future<ApiObject> inTransaction(Store store, StoreTx tx, Function<StoreTx, Future<ApiObject>> work) {
    return tx != null ? work.apply(tx) : store.write(work);
  }

  private static JsonObject status(SecretSpec spec) {
    return new SecretStatus(List.copyOf(spec.keys()), null).toJson();
  }
}
