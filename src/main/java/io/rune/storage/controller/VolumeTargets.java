package io.rune.storage.controller;

import io.rune.storage.driver.DriverCatalog;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.RemoteDriver;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ValidationException;
import io.rune.storage.secrets.SecretException;
import io.rune.storage.secrets.SecretRef;
import io.rune.storage.secrets.SecretValues;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds, for a volume, its class, its driver and the node to call. Once provisioning has
 * started the row records the driver and node, so a volume can still be cleaned up after
 * its class is deleted.
 */
final class VolumeTargets {
  static final String NODE_LABEL = "rune.io/node";

  private final Vertx vertx;
  private final StoreReader store;
  private final DriverCatalog catalog;
  private final String localNode;
  private final Duration callTimeout;
  private final SecretValues secrets;

  VolumeTargets(Vertx vertx, StoreReader store, DriverCatalog catalog, SecretValues secrets, String localNode,
      Duration callTimeout) {
    this.vertx = vertx;
    this.store = store;
    this.secrets = secrets;
    this.catalog = catalog;
    this.localNode = localNode;
    // The bus waits a little longer than the driver's breaker, so the breaker's timeout
    // (with its clearer message) is the one the caller sees.
    this.callTimeout = callTimeout.plusSeconds(5);
  }

  /**
   * The target to provision with, or a failure with {@link Unresolvable} when the class or
   * its driver is missing: the class's parameters are part of the request.
   */
  Future<VolumeTarget> resolve(ApiObject volume) {
    return resolve(volume, false, null);
  }

  /**
   * As {@link #resolve(ApiObject)}, for a volume that must be made on {@code nodeHint} (a
   * restore of a node-local snapshot happens where the snapshot is) unless it says otherwise.
   */
  Future<VolumeTarget> resolve(ApiObject volume, String nodeHint) {
    return resolve(volume, false, nodeHint);
  }

  /**
   * The target to clean up with: once provisioning has started, the driver recorded in the
   * row is enough, with or without the class.
   */
  Future<VolumeTarget> resolveForCleanup(ApiObject volume) {
    return resolve(volume, true, null);
  }

  private Future<VolumeTarget> resolve(ApiObject volume, boolean classMayBeGone, String nodeHint) {
    String className = volume.spec().getString("storageClassName");
    return store.get(Kind.STORAGE_CLASS, "", className).compose(storageClass -> secretsOf(className,
            VolumeTarget.classParameters(storageClass, volume.status().getJsonObject("classParameters")))
        .map(values -> target(volume, storageClass, values, classMayBeGone, nodeHint)));
  }

  private VolumeTarget target(ApiObject volume, ApiObject storageClass, Map<String, String> values,
      boolean classMayBeGone, String nodeHint) {
    String className = volume.spec().getString("storageClassName");
    String recordedDriver = classMayBeGone ? volume.status().getString("driver") : null;
    if (storageClass == null && recordedDriver == null) {
      throw new Unresolvable("StorageClassNotFound", "StorageClass '" + className
          + "' does not exist; create it (or recreate the volume with another class), then run retry-provision");
    }
    String driverName = recordedDriver != null ? recordedDriver : storageClass.spec().getString("driver");
    Optional<DriverProvider> provider = catalog.provider(driverName);
    if (provider.isEmpty()) {
      throw new Unresolvable("DriverNotFound", "driver '" + driverName + "' is not part of this server"
          + " (it has " + String.join(", ", catalog.names()) + ")");
    }
    String node = nodeFor(volume, provider.get(), nodeHint);
    return new VolumeTarget(volume, storageClass, provider.get(),
        new RemoteDriver(vertx, provider.get(), node, callTimeout), node, values);
  }

  /**
   * The context of a call about something of class {@code className} that is no single
   * volume (a snapshot being deleted): the class's parameters (as recorded, once it is gone) and secrets.
   */
  Future<DriverContext> classContext(String className, JsonObject recordedParameters, String node) {
    return store.get(Kind.STORAGE_CLASS, "", className).compose(storageClass -> {
      JsonObject classParameters = VolumeTarget.classParameters(storageClass, recordedParameters);
      return secretsOf(className, classParameters).map(values -> {
        Map<String, String> parameters = new HashMap<>();
        VolumeTarget.strings(classParameters, parameters);
        return new DriverContext(storageClass == null ? null : storageClass.toJson(), null, parameters, node)
            .withSecrets(values);
      });
    });
  }


  /**
   * The values of the class's secret references (parameters named {@code *SecretRef}), by
   * parameter. A missing or unreadable secret makes the volume {@link Unresolvable}: retrying
   * cannot help until someone writes the secret, then runs retry-provision.
   */
  private Future<Map<String, String>> secretsOf(String className, JsonObject parameters) {
    if (parameters == null) {
      return Future.succeededFuture(Map.of());
    }
    List<Future<Map.Entry<String, String>>> reads = new ArrayList<>();
    for (String parameter : parameters.fieldNames()) {
      if (!parameter.endsWith(DriverContext.SECRET_REF_SUFFIX)) {
        continue;
      }
      SecretRef ref;
      try {
        ref = SecretRef.parse("parameters." + parameter, parameters.getString(parameter));
      } catch (ValidationException e) {
        return Future.failedFuture(new Unresolvable("InvalidSecretRef", "class " + className + ": "
            + e.getMessage()));
      }
      reads.add(secrets.value(ref).map(value -> Map.entry(parameter, value))
          .recover(err -> Future.failedFuture(err instanceof SecretException missing
              ? new Unresolvable("SecretNotFound", "class " + className + " takes its " + parameter + " from "
                  + ref + ": " + missing.getMessage() + "; write that secret, then run retry-provision")
              : err)));
    }
    return Future.all(reads).map(all -> reads.stream().map(Future::result)
        .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue)));
  }

  /**
   * The driver recorded in a row (a snapshot's), on the node recorded with it, to clean up
   * what it made when the volume it came from may be gone.
   */
  StorageDriver recordedDriver(String driverName, String node) {
    DriverProvider provider = catalog.provider(driverName).orElseThrow(() -> new Unresolvable("DriverNotFound",
        "driver '" + driverName + "' is not part of this server (it has " + String.join(", ", catalog.names()) + ")"));
    return new RemoteDriver(vertx, provider, node != null ? node : localNode, callTimeout);
  }

  /**
   * The node the volume lives on once provisioned; before that, the node its topology asks
   * for, else the hint, else this one.
   */
  private String nodeFor(ApiObject volume, DriverProvider provider, String nodeHint) {
    if (!provider.nodeLocal()) {
      return localNode;
    }
    String recorded = volume.status().getString("node");
    if (recorded != null) {
      return recorded;
    }
    var topology = volume.spec().getJsonObject("topology");
    if (topology != null && topology.getString(NODE_LABEL) != null) {
      return topology.getString(NODE_LABEL);
    }
    return nodeHint != null ? nodeHint : localNode;
  }

  /** A volume whose class or driver is missing: retrying cannot help until someone acts. */
  static final class Unresolvable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String reason;

    Unresolvable(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  static final class Unplaceable extends RuntimeException { final String reason; Unplaceable(String reason, String message) { super(message, null, false, false); this.reason = reason; } }
}
