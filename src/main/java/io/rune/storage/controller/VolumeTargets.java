package io.rune.storage.controller;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rune.storage.driver.DriverCatalog;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.RemoteDriver;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.JsonMapper;
import io.rune.storage.model.Kind;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.model.Topology;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.model.ValidationException;
import io.rune.storage.secrets.SecretException;
import io.rune.storage.secrets.SecretRef;
import io.rune.storage.secrets.SecretValues;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds, for a volume, its class, its driver and the node to call. Once provisioning has
 * started the row records the driver and node, so a volume can still be cleaned up after
 * its class is deleted.
 */
final class VolumeTargets {
  static final String NODE_LABEL = Topology.NODE;
  private static final TypeReference<List<StorageClassSpec.TopologyTerm>> ALLOWED_TOPOLOGIES = new TypeReference<>() {};

  private final Vertx vertx;
  private final StoreReader store;
  private final DriverCatalog catalog;
  private final String localNode;
  /** The nodes a new node-local volume may go to: this one (a cluster adds its other nodes). */
  private final List<Placement.Node> candidates;
  private final Duration callTimeout;
  private final SecretValues secrets;
  /** How a driver is called: as it is, or only while this node's leases are fresh (see {@link #callingWhileFresh}). */
  private java.util.function.UnaryOperator<StorageDriver> calls = driver -> driver;

  /** Targets on a node known only by its name (no labels beside {@value Topology#NODE}). */
  VolumeTargets(Vertx vertx, StoreReader store, DriverCatalog catalog, SecretValues secrets, String localNode,
      Duration callTimeout) {
    this(vertx, store, catalog, secrets, new Placement.Node(localNode, Map.of()), callTimeout);
  }

  VolumeTargets(Vertx vertx, StoreReader store, DriverCatalog catalog, SecretValues secrets, Placement.Node self,
      Duration callTimeout) {
    this.vertx = vertx;
    this.store = store;
    this.secrets = secrets;
    this.catalog = catalog;
    this.localNode = self.name();
    this.candidates = List.of(self);
    // The bus waits a little longer than the driver's breaker, so the breaker's timeout
    // (with its clearer message) is the one the caller sees.
    this.callTimeout = callTimeout.plusSeconds(5);
  }

  /** Drivers of these targets are called only while {@code ownership}'s leases are fresh. */
  VolumeTargets callingWhileFresh(io.rune.storage.cluster.ShardOwnership ownership) {
    calls = driver -> new LeasedDriver(driver, ownership);
    return this;
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
            VolumeTarget.classParameters(storageClass, VolumeStatus.of(volume).classParameters()))
        .map(values -> target(volume, storageClass, values, classMayBeGone, nodeHint)));
  }

  private VolumeTarget target(ApiObject volume, ApiObject storageClass, Map<String, String> values,
      boolean classMayBeGone, String nodeHint) {
    String className = volume.spec().getString("storageClassName");
    String recordedDriver = classMayBeGone ? VolumeStatus.of(volume).driver() : null;
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
    String node = nodeFor(volume, storageClass, provider.get(), nodeHint, !classMayBeGone);
    return new VolumeTarget(volume, storageClass, provider.get(),
        calls.apply(new RemoteDriver(vertx, provider.get(), node, callTimeout)), node, values);
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
    return calls.apply(new RemoteDriver(vertx, provider, node != null ? node : localNode, callTimeout));
  }

  /**
   * The node the volume lives on once provisioned (a recorded {@code status.node} is kept);
   * before that, the candidate whose labels satisfy the volume's topology and its class's
   * allowedTopologies, among the hint's node alone when there is one (a restore of a
   * node-local snapshot happens where the snapshot is). Cleanup of a volume never placed
   * places nothing: it goes to the node its topology names, else the hint, else this one.
   *
   * @throws Unplaceable when no candidate fits
   */
  private String nodeFor(ApiObject volume, ApiObject storageClass, DriverProvider provider, String nodeHint,
      boolean place) {
    if (!provider.nodeLocal()) {
      return localNode;
    }
    String recorded = VolumeStatus.of(volume).node();
    if (recorded != null) {
      return recorded;
    }
    JsonObject topology = volume.spec().getJsonObject("topology");
    if (!place || storageClass == null) {
      if (topology != null && topology.getString(NODE_LABEL) != null) {
        return topology.getString(NODE_LABEL);
      }
      return nodeHint != null ? nodeHint : localNode;
    }
    List<Placement.Node> nodes = nodeHint == null ? candidates
        : candidates.stream().filter(n -> n.name().equals(nodeHint)).toList();
    if (nodes.isEmpty()) {
      return nodeHint; // a node this server knows no labels of: its own driver checks the request
    }
    JsonArray terms = storageClass.spec().getJsonArray("allowedTopologies");
    List<StorageClassSpec.TopologyTerm> allowed = terms == null ? List.of()
        : JsonMapper.STRICT.convertValue(terms.getList(), ALLOWED_TOPOLOGIES);
    Map<String, String> asked = new HashMap<>();
    if (topology != null) {
      topology.forEach(e -> asked.put(e.getKey(), String.valueOf(e.getValue())));
    }
    // A host directory's root is the directory's, checked against the class when the volume was written.
    Set<String> settled = provider.capabilities().hostPaths() ? Set.of(Topology.HOST_PATH_ROOT) : Set.of();
    Placement.Decision decision = Placement.place(nodes,
        new Placement.Request(storageClass.name(), asked, allowed, settled));
    if (decision instanceof Placement.Unmet unmet) {
      throw new Unplaceable("TopologyUnsatisfied", unmet.message());
    }
    return ((Placement.Placed) decision).node().name();
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

  static final class Unplaceable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String reason;

    Unplaceable(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }
}
