package io.rune.storage.api;

import io.rune.storage.model.ValidationException;
import java.util.function.Supplier;

/**
 * Runs model validation and reports its failures in the API's words: 422 for a body, 400
 * MalformedRequest for what the path or query carries (the request's form, not its meaning).
 */
final class Validation {
  private Validation() {}

  static <T> T check(Supplier<T> check) {
    try {
      return check.get();
    } catch (ValidationException e) {
      throw toApi(e);
    }
  }

  static void check(Runnable check) {
    try {
      check.run();
    } catch (ValidationException e) {
      throw toApi(e);
    }
  }

  /** As {@link #check}, for a value of the path or query: its refusal is 400 MalformedRequest. */
  static <T> T checkRequest(Supplier<T> check) {
    try {
      return check.get();
    } catch (ValidationException e) {
      throw ApiException.malformedRequest(e.field(), e.getMessage());
    }
  }

  /** The {@code limit} of a query: {@code defaultSize} when absent, else 1..{@code maxSize} or 400 naming it. */
  static int pageSize(Integer limit, int defaultSize, int maxSize) {
    int pageSize = limit == null ? defaultSize : limit;
    if (pageSize < 1 || pageSize > maxSize) {
      throw ApiException.malformedRequest("limit", "limit must be between 1 and " + maxSize + ", not " + pageSize);
    }
    return pageSize;
  }

  static ApiException toApi(ValidationException e) {
    return new ApiException(422, e.code(), e.getMessage(), e.field());
  }
}
