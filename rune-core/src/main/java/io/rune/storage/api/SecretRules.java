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
 * the transaction that writes the row; a PUT or an /apply with {@code data} replaces them all.
 * Without {@code data} (what GET shows) an update keeps the values, so that an object read
 * with GET can be sent back; a merge patch's {@code data} merges into the values.
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
    SecretSpec spec = input.spec();
    return Future.succeededFuture(spec.data() == null ? spec : Validation.check(spec::validated));
  }

  @Override
  public Future<JsonObject> admitCreate(StoreReader reads, Principal principal, String namespace, SecretSpec spec) {
    Validation.check(spec::validated); // a new secret needs its values
    return Future.succeededFuture(new JsonObject());
  }

  /**
   * As GET shows it, with the values when the patch changes them: a patch's data merges into
   * them. Values that no longer decrypt are left out, and the patch's data replaces them.
   */
  @Override
  public Future<JsonObject> patchTarget(StoreReader reads, ApiObject current, JsonObject patch) {
    if (!patch.containsKey("data")) {
      return KindRules.super.patchTarget(reads, current, patch);
    }
    return new SecretValues(reads, cipher).values(current.namespace(), current.name())
        .map(values -> current.toJson().put("data", new JsonObject(new java.util.LinkedHashMap<>(values))))
        .recover(err -> err instanceof SecretException ? KindRules.super.patchTarget(reads, current, patch)
            : Future.failedFuture(err));
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
    if (!next.labels().equals(current.labels()) || spec.data() == null) {
      return Future.succeededFuture(next.labels().equals(current.labels()));
    }
    return new SecretValues(reads, cipher).values(current.namespace(), current.name())
        .map(values -> values.equals(spec.data()))
        .recover(err -> err instanceof SecretException ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  @Override
  public Future<ApiObject> update(Store store, StoreTx tx, ApiObject next, SecretSpec spec) {
    if (spec.data() == null) {
      return KindRules.super.update(store, tx, next, spec); // the labels only; the values stay
    }
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
