package io.rune.storage.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Turns database failures into the store's own exceptions; anything else passes unchanged. */
public final class StoreErrors {
  private StoreErrors() {}

  public static <T> Future<T> translate(Throwable failure) {
    return Future.failedFuture(of(failure));
  }

  public static Throwable of(Throwable failure) {
    if (failure instanceof StoreException) {
      return failure;
    }
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      if (state.equals("23505") && "objects_pkey".equals(pg.getConstraint())) {
        return new StoreException(StoreException.Type.ALREADY_EXISTS, "an object with this name already exists");
      }
      if (state.equals("23505") && "objects_one_default_storage_class".equals(pg.getConstraint())) {
        return new StoreException(StoreException.Type.CONFLICT, "another StorageClass became the default at the same time; retry");
      }
      // Connection exceptions (08), operator intervention (57P01..57P03: shutdown, crash
      // recovery, not yet accepting connections) and too many connections (53300) are the
      // database being unavailable, not a bad request. So is a cancelled statement (57014):
      // the bounded pool's statement timeout, or a COMMIT refused after its deadline.
      if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
          || state.equals("57014")) {
        return unavailable();
      }
      return failure;
    }
    if (isConnectivity(failure)) {
      return unavailable();
    }
    return failure;
  }

  private static boolean isConnectivity(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof ClosedConnectionException
          || t instanceof TimeoutException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (t instanceof io.vertx.core.VertxException
          && (message.contains("Connection") || message.contains("Timeout")
              || message.contains("closed"))) {
        return true;
      }
    }
    return false;
  }

  private static StoreException unavailable() {
    return new StoreException(StoreException.Type.UNAVAILABLE,
        "the database is unavailable; nothing was changed, retry later");
  }
}
