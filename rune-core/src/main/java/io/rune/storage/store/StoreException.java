package io.rune.storage.store;

/**
 * A refusal or failure of the store, in the store's own terms. The API maps each type to
 * its status and code word at its edge ({@code ApiException.from}), so the store knows
 * nothing of HTTP and controllers test the type rather than an API code.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Type {
    /** A write conditional on a version found the row changed since. */
    CONFLICT,
    /** An insert found an object of that name, or a uniqueness rule of the schema broken. */
    ALREADY_EXISTS,
    /** The database did not answer, or refused for a reason of its own; nothing was changed. */
    UNAVAILABLE,
    /** A list's continue token is not one this server gave. */
    INVALID_CONTINUE_TOKEN,
    /**
     * A controller's write under a shard lease this node no longer holds (another node took
     * it, or it expired): nothing was changed, and the work is the new holder's.
     */
    FENCED
  }

  private final Type type;

  public StoreException(Type type, String message) {
    super(message, null, false, false);
    this.type = type;
  }

  public Type type() {
    return type;
  }

  public static boolean is(Throwable failure, Type type) {
    return failure instanceof StoreException store && store.type == type;
  }
}
