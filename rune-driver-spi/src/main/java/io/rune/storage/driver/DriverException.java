package io.rune.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A typed driver failure; its message is written for the operator reading a volume's status.
 *
 * <p>Besides its type, a failure says what it {@link Blame blames}: the backend (every call
 * would fail now: it feeds the breaker of that backend) or the one object the call was about
 * (a refused path, a directory in the way: it never feeds a breaker, so one broken volume
 * cannot delay another). It may also carry a {@link #reason()}: one word naming the cause for
 * the object's status ({@code HostPathBlocked}), where the type alone would say too little.
 */
public final class DriverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What a failure is the fault of. */
  public enum Blame {
    /** The backend: unreachable, 5xx, timeout, rate limit. Counted by the backend's breaker. */
    BACKEND,
    /** This one object: its path, its parameters, something in its way, not found. */
    OBJECT
  }

  private final DriverError error;
  private final Blame blame;
  private final String reason;

  /** A failure blamed as its type usually is: transient and unavailable on the backend, the rest on the object. */
  public DriverException(DriverError error, String message) {
    this(error, defaultBlame(error), null, message, null);
  }

  public DriverException(DriverError error, String message, Throwable cause) {
    this(error, defaultBlame(error), null, message, cause);
  }

  /**
   * @param reason one CamelCase word for the object's status ({@code HostPathBlocked}), or null
   *     to let the controller name it from the type
   */
  public DriverException(DriverError error, Blame blame, String reason, String message, Throwable cause) {
    super(message, cause);
    this.error = Objects.requireNonNull(error, "error");
    this.blame = Objects.requireNonNull(blame, "blame");
    this.reason = reason;
  }

  /** A fault of this one object that another attempt may get past (someone moves the thing in the way). */
  public static DriverException objectFault(DriverError error, String reason, String message) {
    return new DriverException(error, Blame.OBJECT, reason, message, null);
  }

  public DriverError error() {
    return error;
  }

  public Blame blame() {
    return blame;
  }

  /** Whether this failure says the backend is in trouble (and so counts for its breaker). */
  public boolean blamesBackend() {
    return blame == Blame.BACKEND;
  }

  /** The cause in one word for a status, or null. */
  public String reason() {
    return reason;
  }

  private static Blame defaultBlame(DriverError error) {
    return error == DriverError.TRANSIENT || error == DriverError.UNAVAILABLE ? Blame.BACKEND : Blame.OBJECT;
  }

  public boolean retryable() {
    return error.retryable();
  }

  public static <T> Future<T> unsupported(String driver, String what) {
    return Future.failedFuture(new DriverException(DriverError.UNSUPPORTED,
        "driver '" + driver + "' does not support " + what));
  }

  public static DriverException transientError(String message, Throwable cause) {
    return new DriverException(DriverError.TRANSIENT, message, cause);
  }

  public static DriverException permanent(String message) {
    return new DriverException(DriverError.PERMANENT, message);
  }

  public static DriverException invalidConfig(String message) {
    return new DriverException(DriverError.INVALID_CONFIG, message);
  }

  /**
   * Any failure as a DriverException: an unexpected one is taken as transient and blamed on
   * the backend (a driver that does not say whose fault it is cannot be trusted to be well).
   * Its message never names a Java class, which would tell the user nothing.
   */
  public static DriverException of(Throwable failure) {
    if (failure instanceof DriverException driverException) {
      return driverException;
    }
    String message = failure.getMessage() != null && !failure.getMessage().isBlank() ? failure.getMessage()
        : "the driver failed unexpectedly (the server log has the details)";
    return new DriverException(DriverError.TRANSIENT, message, failure);
  }

  /** The form sent over the event bus. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("error", error.name()).put("blame", blame.name())
        .put("message", getMessage());
    return reason == null ? json : json.put("reason", reason);
  }

  public static DriverException fromJson(JsonObject json) {
    DriverError error;
    try {
      error = DriverError.valueOf(json.getString("error", DriverError.TRANSIENT.name()));
    } catch (IllegalArgumentException unknown) {
      error = DriverError.TRANSIENT;
    }
    Blame blame;
    try {
      blame = json.containsKey("blame") ? Blame.valueOf(json.getString("blame")) : defaultBlame(error);
    } catch (IllegalArgumentException unknown) {
      blame = defaultBlame(error);
    }
    return new DriverException(error, blame, json.getString("reason"), json.getString("message",
        "driver call failed"), null);
  }
}
