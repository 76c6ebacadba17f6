package io.rune.storage;

import io.rune.storage.api.InputParser;
import io.rune.storage.api.TokenStore;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.store.PrivateFile;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreTx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens once per database: the built-in StorageClasses and the first admin token.
 * Each is recorded, so neither is redone: an operator who edits or deletes a seeded class
 * keeps that change across restarts.
 */
final class FirstBoot {
  private static final Logger log = LoggerFactory.getLogger(FirstBoot.class);

  private FirstBoot() {}

  /**
   * Seeds the built-in classes of the drivers this server has (those whose provider says
   * {@link DriverProvider#builtInClass()}), each named after its driver, and makes the
   * configured default class the default; with none configured, the class of the driver that
   * says {@link DriverProvider#builtInDefault()}.
   */
  static Future<Void> seedStorageClasses(Store store, RuneConfig.Storage storage, DriverCatalog drivers) {
    List<String> builtIn = drivers.providers().stream().filter(DriverProvider::builtInClass)
        .map(DriverProvider::name).sorted().toList();
    String defaultClass = storage.defaultStorageClass() != null ? storage.defaultStorageClass()
        : drivers.providers().stream().filter(p -> p.builtInClass() && p.builtInDefault())
            .map(DriverProvider::name).sorted().findFirst().orElse("");
    return store.write(tx -> tx.markOnce("builtin-storage-classes").compose(first -> {
      if (!first) {
        return Future.<Void>succeededFuture();
      }
      Future<Void> seeded = Future.succeededFuture();
      for (String name : builtIn) {
        seeded = seeded.compose(v -> insertClass(tx, name, defaultClass));
      }
      return seeded.compose(v -> promoteConfiguredDefault(tx, defaultClass, builtIn));
    }));
  }

  private static Future<Void> insertClass(StoreTx tx, String name, String defaultClass) {
    StorageClassSpec spec = new StorageClassSpec(name, Map.of(), "retain", name.equals(defaultClass), List.of());
    return tx.get(Kind.STORAGE_CLASS, "", name).compose(existing -> existing != null
        ? Future.succeededFuture()
        : tx.insert(new ApiObject(Kind.STORAGE_CLASS, "", name, null, 0, Map.of(), InputParser.toJson(spec),
            null, null, null)).<Void>mapEmpty().onSuccess(v -> log.info("Seeded StorageClass {}", name)));
  }

  /** A configured default that is not a built-in class is promoted if it exists already. */
  private static Future<Void> promoteConfiguredDefault(StoreTx tx, String defaultClass, List<String> builtIn) {
    if (defaultClass.isEmpty() || builtIn.contains(defaultClass)) {
      return Future.succeededFuture();
    }
    return tx.get(Kind.STORAGE_CLASS, "", defaultClass).compose(found -> {
      if (found == null) {
        log.warn("[storage] defaultStorageClass names '{}', which does not exist: there is no default"
            + " StorageClass until an admin sets one", defaultClass);
        return Future.succeededFuture();
      }
      return tx.update(found.withSpec(found.spec().copy().put("default", true), found.labels())).mapEmpty();
    });
  }

  /**
   * Writes the first admin token to {@code tokenFile} (mode 0600) once per database. The
   * file is written before the token is recorded, so a crash in between leaves no token
   * that nobody can read: the next boot simply makes a new one.
   */
  static Future<Void> ensureAdminToken(Vertx vertx, TokenStore tokens, Path tokenFile) {
    return tokens.hasBootstrapToken().compose(exists -> {
      if (exists) {
        return vertx.executeBlocking(() -> Files.exists(tokenFile), false).map(present -> {
          if (!present) {
            log.warn("The first admin token was created earlier but {} is gone; use another admin token", tokenFile);
          }
          return null;
        });
      }
      String secret = TokenStore.newSecret();
      return vertx.executeBlocking(() -> {
            PrivateFile.write(tokenFile, secret + "\n");
            return null;
          }, false)
          .compose(v -> tokens.insertBootstrap(secret))
          .map(inserted -> {
            if (inserted) {
              log.info("Wrote the first admin token to {}", tokenFile);
            }
            return null;
          });
    });
  }
}
