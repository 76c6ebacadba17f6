package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.runtime.DriverMessages.Codec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * One operation of the driver protocol, all that both ends need to know of it: its name in a
 * call's {@code op}, how its request travels as the call's {@code args} and its result as the
 * reply's {@code result}, and the {@link StorageDriver} method that answers it.
 * {@link RemoteDriver} sends it and {@link DriverVerticle} answers it, neither with code of
 * its own for it.
 *
 * @param <Q> the request, as the driver method takes it (several arguments make one record)
 * @param <R> the result
 */
record DriverOperation<Q, R>(String name, Codec<Q, JsonObject> request, Codec<R, Object> result,
    Invocation<Q, R> invocation) {

  /** The StorageDriver method behind an operation. */
  @FunctionalInterface
  interface Invocation<Q, R> {
    Future<R> call(StorageDriver driver, DriverContext ctx, Q request);
  }

  /** Runs a call's {@code args} on the driver; the result comes back as the reply's {@code result}. */
  Future<Object> answer(StorageDriver driver, DriverContext ctx, JsonObject args) {
    return invocation.call(driver, ctx, request.read(args)).map(result::write);
  }
}
