package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.vertx.core.Future;

/**
 * What a do-volume StorageClass says, read from a call's context: the region, the
 * filesystem to format blank volumes with, and the API token its secret holds.
 */
record DoClass(String region, String fsType, DoToken token) {
  static final String REGION = "region";
  static final String TOKEN_REF = "apiTokenSecretRef";
  static final String FS_TYPE = "fsType";
  static final long GIB = 1L << 30;

  /** The class of a call, or a failed future saying what is missing. */
  static Future<DoClass> of(DriverContext ctx) {
    String region = ctx.parameters().get(REGION);
    String reference = ctx.parameters().get(TOKEN_REF);
    String token = ctx.secret(TOKEN_REF);
    if (region == null || reference == null) {
      return Future.failedFuture(new DriverException(DriverError.INVALID_CONFIG, "the do-volume class "
          + className(ctx) + " must name a " + (region == null ? REGION : TOKEN_REF)
          + (ctx.storageClass() == null ? " (the class is gone: a volume of a deleted class cannot be reached)" : "")));
    }
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new DriverException(DriverError.INVALID_CONFIG, "the API token of secret "
          + reference + " (class " + className(ctx) + ") was not given to the driver"));
    }
    return Future.succeededFuture(new DoClass(region, ctx.parameters().getOrDefault(FS_TYPE, "ext4"),
        new DoToken(token.strip(), reference)));
  }

  /** Sizes in whole GiB, rounded up, at least 1: the unit DigitalOcean sells. */
  static long gigabytes(long bytes) {
    return Math.max(1, (bytes + GIB - 1) / GIB);
  }

  private static String className(DriverContext ctx) {
    return ctx.storageClass() == null ? "(deleted)" : ctx.storageClass().getString("name");
  }
}
