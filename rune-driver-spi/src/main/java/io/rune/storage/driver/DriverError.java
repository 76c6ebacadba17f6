package io.rune.storage.driver;

/**
 * What kind of failure a driver call met, which decides what the controller does next:
 * only {@link #TRANSIENT} and {@link #UNAVAILABLE} are worth another attempt.
 */
public enum DriverError {
  /** The driver does not do this (it does not advertise the capability). */
  UNSUPPORTED(false),
  /** The thing named by a handle does not exist (deleting it is not this error: that succeeds). */
  NOT_FOUND(false),
  /** Parameters, class or volume fields the driver cannot work with. */
  INVALID_CONFIG(false),
  ACCESS_MODE_UNSUPPORTED(false),
  /** The backend refused the credentials: retrying with the same ones cannot help. */
  AUTH(false),
  /** Worth retrying: a timeout, a busy backend, a lost connection. */
  TRANSIENT(true),
  /** Will fail the same way every time until someone changes something. */
  PERMANENT(false),
  /**
   * The driver was not asked at all: its circuit breaker is open, or no driver answers on
   * its address. Retry later; the attempt does not count against the volume.
   */
  UNAVAILABLE(true);

  private final boolean retryable;

  DriverError(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
