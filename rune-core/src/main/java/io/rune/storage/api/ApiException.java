package io.rune.storage.api;

import io.rune.storage.store.StoreErrors;
import io.rune.storage.store.StoreException;
import io.vertx.core.json.JsonObject;

/**
 * A refusal in the words of the API contract: HTTP status, code word, message and the
 * field at fault. Every door (REST, event bus) renders it the same way.
 */
public class ApiException extends RuntimeException {
  /** The code word of a 404: the object is not there. */
  public static final String NOT_FOUND = "NotFound";
  /** The code word of a 409 refusing to delete a snapshot that a restore may still read. */
  public static final String SNAPSHOT_IN_USE = "SnapshotInUse";

  private final int status;
  private final String code;
  private final String field;

  public ApiException(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }

  public JsonObject body() {
    JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
    if (field != null) {
      error.put("field", field);
    }
    return new JsonObject().put("error", error);
  }

  /**
   * A path, query or header the server cannot read (400): a name in the path that is not a
   * name, a query parameter a route does not take or whose value is not of its form or range.
   * {@code field} names the parameter (namespace, name, limit, labelSelector...).
   */
  public static ApiException malformedRequest(String field, String message) {
    return new ApiException(400, "MalformedRequest", message, field);
  }

  public static ApiException malformed(String message, String field) {
    return new ApiException(400, "MalformedBody", message, field);
  }

  /** 415: a body of a media type the path does not read. */
  public static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "UnsupportedMediaType", message, null);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(401, "Unauthenticated", message, null);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "Forbidden", message, null);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, NOT_FOUND, message, null);
  }

  /**
   * Whether {@code failure}, as the API would answer it, carries code word {@code code}: how a
   * controller that goes through the API's own writes tells an answer it expects from a fault.
   */
  public static boolean hasCode(Throwable failure, String code) {
    return from(failure) instanceof ApiException api && api.code().equals(code);
  }

  public static ApiException alreadyExists(String message) {
    return new ApiException(409, "AlreadyExists", message, "name");
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "Conflict", message, "resourceVersion");
  }

  public static ApiException invalidPhase(String message) {
    return new ApiException(409, "InvalidPhase", message, null);
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(422, "Invalid", message, field);
  }

  public static ApiException unprocessable(String code, String field, String message) {
    return new ApiException(422, code, message, field);
  }

  /** An unexpected failure: its details belong in the server's log, not in the answer. */
  public static ApiException internal() {
    return new ApiException(500, "Internal", "the server failed unexpectedly; the error is in its log", null);
  }

  public static ApiException storeUnavailable(String message) {
    return new ApiException(503, "StoreUnavailable", message, null);
  }

  /**
   * The API's words for a failure: a store's refusal (or a database failure the store has
   * not yet classified) as its status and code; anything else unchanged. The one place the
   * store's exceptions meet the API contract: every door renders what this returns.
   */
  public static Throwable from(Throwable failure) {
    if (!(StoreErrors.of(failure) instanceof StoreException store)) {
      return failure;
    }
    return switch (store.type()) {
      case CONFLICT -> conflict(store.getMessage());
      case ALREADY_EXISTS -> alreadyExists(store.getMessage());
      case UNAVAILABLE -> storeUnavailable(store.getMessage());
      case INVALID_CONTINUE_TOKEN -> malformedRequest("continue", store.getMessage());
      // Only controllers write under a lease; should one reach a client, the write may be retried.
      case FENCED -> storeUnavailable(store.getMessage());
    };
  }
}
