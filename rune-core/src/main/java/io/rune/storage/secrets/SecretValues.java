package io.rune.storage.secrets;

import io.rune.storage.model.SecretRef;
import io.rune.storage.store.SealedSecret;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Map;

/**
 * Reads the values of Secrets for the server's own use (controllers and drivers resolving
 * a reference such as do-volume's {@code apiTokenSecretRef}). No RBAC applies: this is
 * never a door for clients. Failures are {@link SecretException}s naming the secret and
 * key, or the store's own failure (StoreUnavailable) when the database cannot be read.
 */
public final class SecretValues {
  private final StoreReader store;
  private final SecretCipher cipher;

  public SecretValues(StoreReader store, SecretCipher cipher) {
    this.store = store;
    this.cipher = cipher;
  }

  /** The value under {@code key} of Secret {@code namespace/name}. */
  public Future<String> value(String namespace, String name, String key) {
    return value(new SecretRef(namespace, name, key));
  }

  /** The value {@code ref} points at. */
  public Future<String> value(SecretRef ref) {
    return store.sealedSecret(ref.namespace(), ref.name()).map(sealed -> {
      Map<String, String> values = open(ref, sealed);
      String value = values.get(ref.key());
      if (value == null) {
        throw new SecretException.KeyNotFound(ref, new ArrayList<>(values.keySet()));
      }
      return value;
    });
  }

  /** Every value of Secret {@code namespace/name}, by key (failures name no key). */
  public Future<Map<String, String>> values(String namespace, String name) {
    SecretRef whole = new SecretRef(namespace, name, null);
    return store.sealedSecret(namespace, name).map(sealed -> open(whole, sealed));
  }

  /**
   * Decrypts a secret's stored values; they open only under this server's key and as the
   * secret they were sealed for.
   */
  Map<String, String> open(SecretRef ref, SealedSecret sealed) {
    if (sealed == null) {
      throw new SecretException.SecretNotFound(ref);
    }
    if (sealed.box() == null) {
      throw new SecretException.Unreadable(ref, "no values are stored for it");
    }
    if (!cipher.keyId().equals(sealed.keyId())) {
      throw new SecretException.Unreadable(ref, "it was encrypted under key " + sealed.keyId()
          + ", and this server's key file holds key " + cipher.keyId()
          + " (restore the key file backed up with this database, or give every node the same key file)");
    }
    try {
      return cipher.open(ref.namespace(), ref.name(), sealed.uid(), sealed.box());
    } catch (SecretCipher.Unopenable e) {
      throw new SecretException.Unreadable(ref, e.getMessage());
    }
  }
}
