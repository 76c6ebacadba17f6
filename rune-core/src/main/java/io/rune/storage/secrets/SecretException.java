package io.rune.storage.secrets;

import io.rune.storage.model.SecretRef;
import java.util.List;

/**
 * Why a Secret's value could not be read. Each kind says which secret and key it was
 * about; none ever holds a value.
 */
public abstract sealed class SecretException extends RuntimeException {
  private final SecretRef ref;

  private SecretException(SecretRef ref, String message) {
    super(message, null, false, false);
    this.ref = ref;
  }

  /** The value that was asked for; its key is null when the whole secret was. */
  public SecretRef ref() {
    return ref;
  }

  /** There is no Secret of that name in that namespace. */
  public static final class SecretNotFound extends SecretException {
    SecretNotFound(SecretRef ref) {
      super(ref, "Secret '" + ref.name() + "' does not exist in namespace '" + ref.namespace() + "'");
    }
  }

  /** The Secret exists but has no value under that key. */
  public static final class KeyNotFound extends SecretException {
    private final List<String> keys;

    KeyNotFound(SecretRef ref, List<String> keys) {
      super(ref, "Secret " + ref.namespace() + "/" + ref.name() + " has no key '" + ref.key() + "'; its keys are "
          + keys);
      this.keys = List.copyOf(keys);
    }

    /** The keys the secret has. */
    public List<String> keys() {
      return keys;
    }
  }

  /**
   * The Secret's stored values do not decrypt: altered in the database, moved from another
   * secret's row, or encrypted under a key other than this server's.
   */
  public static final class Unreadable extends SecretException {
    Unreadable(SecretRef ref, String why) {
      super(ref, "Secret " + ref.namespace() + "/" + ref.name() + " cannot be read: " + why
          + "; write its data again (PUT) to replace the stored values");
    }
  }
}
