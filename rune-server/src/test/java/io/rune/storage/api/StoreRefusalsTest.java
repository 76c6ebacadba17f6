package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.store.StoreException;
import io.rune.storage.store.StoreException.Type;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The one mapping of the store's exceptions to the API contract ({@link ApiException#from}):
 * each type keeps its status, code word, field and message exactly as the API answered
 * when the store raised ApiExceptions itself.
 */
class StoreRefusalsTest {

  @Test
  void eachStoreTypeHasItsStatusCodeAndField() {
    assertMapped(new StoreException(Type.CONFLICT, "Volume a/b has changed since resourceVersion 3"),
        409, "Conflict", "resourceVersion");
    assertMapped(new StoreException(Type.ALREADY_EXISTS, "an object with this name already exists"),
        409, "AlreadyExists", "name");
    assertMapped(new StoreException(Type.UNAVAILABLE, "the database did not answer within 5s"),
        503, "StoreUnavailable", null);
    assertMapped(new StoreException(Type.INVALID_CONTINUE_TOKEN, "the continue token is not one this server gave"),
        400, "MalformedRequest", "continue");
  }

  @Test
  void databaseFailuresTheStoreDidNotClassifyAreClassifiedOnTheWay() {
    ApiException duplicate = (ApiException) ApiException.from(violation("objects_pkey"));
    assertThat(duplicate.body().encode()).isEqualTo("{\"error\":{\"code\":\"AlreadyExists\","
        + "\"message\":\"an object with this name already exists\",\"field\":\"name\"}}");
    ApiException twoDefaults = (ApiException) ApiException.from(violation("objects_one_default_storage_class"));
    assertThat(twoDefaults.code()).isEqualTo("Conflict");
    assertThat(twoDefaults.getMessage()).isEqualTo("another StorageClass became the default at the same time; retry");
    ApiException shutdown = (ApiException) ApiException.from(new PgException("terminating", "FATAL", "57P01", null));
    assertThat(shutdown.status()).isEqualTo(503);
    assertThat(shutdown.getMessage()).isEqualTo("the database is unavailable; nothing was changed, retry later");
    assertThat(((ApiException) ApiException.from(new IOException("Connection reset"))).code())
        .isEqualTo("StoreUnavailable");
  }

  @Test
  void whatIsNotTheStoresPassesUnchanged() {
    ApiException own = ApiException.notFound("no such volume");
    assertThat(ApiException.from(own)).isSameAs(own);
    IllegalStateException bug = new IllegalStateException("a bug");
    assertThat(ApiException.from(bug)).isSameAs(bug);
    PgException syntax = new PgException("syntax error", "ERROR", "42601", null);
    assertThat(ApiException.from(syntax)).isSameAs(syntax);
  }

  private static void assertMapped(StoreException refusal, int status, String code, String field) {
    ApiException api = (ApiException) ApiException.from(refusal);
    assertThat(api.status()).isEqualTo(status);
    assertThat(api.code()).isEqualTo(code);
    assertThat(api.field()).isEqualTo(field);
    assertThat(api.getMessage()).isEqualTo(refusal.getMessage());
  }

  private static PgException violation(String constraint) {
    return new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null, null, null,
        null, null, null, null, null, null, "public", "objects", null, null, constraint);
  }
}
