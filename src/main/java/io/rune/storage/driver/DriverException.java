package io.rune.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** A typed driver failure; its message is written for the operator reading a volume's status. */
public final class DriverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final DriverError error;

  public DriverException(DriverError error, String message) {
    super(message);
    this.error = Objects.requireNonNull(error, "error");
  }

  public DriverException(DriverError error, String message, Throwable cause) {
    super(message, cause);
    this.error = Objects.requireNonNull(error, "error");
  }

  public DriverError error() {
    return error;
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

  /** Any failure as a DriverException: an unexpected one is taken as transient. */
  public static DriverException of(Throwable failure) {
    if (failure instanceof DriverException driverException) {
      return driverException;
    }
    String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    return new DriverException(DriverError.TRANSIENT, message, failure);
  }

  /** The form sent over the event bus. */
  public JsonObject toJson() {
    return new JsonObject().put("error", error.name()).put("message", getMessage());
  }

  public static DriverException fromJson(JsonObject json) {
    DriverError error;
    try {
      error = DriverError.valueOf(json.getString("error", DriverError.TRANSIENT.name()));
    } catch (IllegalArgumentException unknown) {
      error = DriverError.TRANSIENT;
    }
    return new DriverException(error, json.getString("message", "driver call failed"));
  }
}
