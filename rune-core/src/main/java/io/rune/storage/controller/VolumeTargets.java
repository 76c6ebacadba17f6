package io.rune.storage.controller;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.runtime.RemoteDriver;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.JsonMapper;
import io.rune.storage.model.Kind;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.model.Topology;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.model.ValidationException;
import io.rune.storage.secrets.SecretException;
import io.rune.storage.model.SecretRef;
import io.rune.storage.secrets.SecretValues;
import io.rune.storage.store.StorageClassView;
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
  /** The classes, as this node's change feed keeps them. */
  private final StorageClassView classes;
  private final DriverCatalog catalog;
  private final String localNode;
  /** The nodes a new node-local volume may go to, and whether a node is away. */
  private final ReadyNodes nodes;
  private final Duration callTimeout;
  private final SecretValues secrets;
  /** How a driver is called: as it is, or only while this node's leases are fresh (see {@link #callingWhileFresh}). */
  private java.util.function.UnaryOperator<StorageDriver> calls = driver -> driver;

  /** Targets on this node alone, as {@code self} (a node known only by name has no labels beside {@value Topology#NODE}). */
  VolumeTargets(Vertx vertx, StorageClassView classes, DriverCatalog catalog, SecretValues secrets,
      Placement.Node self, Duration callTimeout) {
    this(vertx, classes, catalog, secrets, ReadyNodes.alone(self), callTimeout);
  }

  VolumeTargets(Vertx vertx, StorageClassView classes, DriverCatalog catalog, SecretValues secrets,
      ReadyNodes nodes, Duration callTimeout) {
    this.vertx = vertx;
    this.classes = classes;
    this.secrets = secrets;
    this.catalog = catalog;
    this.localNode = nodes.selfName();
    this.nodes = nodes;
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
    // The class as of the volume's own version or newer: a class changed just before the
    // volume was written is not seen as it was before the change.
    return classes.get(className, volume.resourceVersion()).compose(storageClass -> secretsOf(className,
            VolumeTarget.classParameters(storageClass, VolumeStatus.of(volume).classParameters()))
        .compose(values -> target(volume, storageClass, values, classMayBeGone, nodeHint)));
  }

  private Future<VolumeTarget> target(ApiObject volume, ApiObject storageClass, Map<String, String> values,
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
    return nodeFor(volume, storageClass, provider.get(), nodeHint, !classMayBeGone).map(node ->
        new VolumeTarget(volume, storageClass, provider.get(),
            calls.apply(new RemoteDriver(vertx, provider.get(), node, callTimeout, nodes)), node, values));
  }

  /**
   * The context of a call about something of class {@code className} that is no single
   * volume (a snapshot being deleted): the class's parameters (as recorded, once it is gone) and secrets.
   */
  Future<DriverContext> classContext(String className, JsonObject recordedParameters, String node) {
    return classes.get(className).compose(storageClass -> {
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
    return calls.apply(new RemoteDriver(vertx, provider, node != null ? node : localNode, callTimeout, nodes));
  }

  /**
   * The node the volume lives on once provisioned (a recorded {@code status.node} is kept);
   * before that, among the Ready nodes whose labels satisfy the volume's topology and its
   * class's allowedTopologies, the one the volume's uid ranks highest (so volumes spread over
   * the nodes that fit); among the hint's node alone when there is one (a restore of a
   * node-local snapshot happens where the snapshot is). Cleanup of a volume never placed
   * places nothing: it goes to the node its topology names, else the hint, else this one.
   * Fails with {@link Unplaceable} when no Ready node fits.
   */
  private Future<String> nodeFor(ApiObject volume, ApiObject storageClass, DriverProvider provider, String nodeHint,
      boolean place) {
    if (!provider.nodeLocal()) {
      return Future.succeededFuture(localNode);
    }
    String recorded = VolumeStatus.of(volume).node();
    if (recorded != null) {
      return Future.succeededFuture(recorded);
    }
    JsonObject topology = volume.spec().getJsonObject("topology");
    if (!place || storageClass == null) {
      if (topology != null && topology.getString(NODE_LABEL) != null) {
        return Future.succeededFuture(topology.getString(NODE_LABEL));
      }
      return Future.succeededFuture(nodeHint != null ? nodeHint : localNode);
    }
    return nodes.candidates().map(candidates -> place(volume, storageClass, provider, nodeHint, candidates));
  }

  private static String place(ApiObject volume, ApiObject storageClass, DriverProvider provider, String nodeHint,
      List<Placement.Node> candidates) {
    List<Placement.Node> fitting = nodeHint == null ? candidates
        : candidates.stream().filter(n -> n.name().equals(nodeHint)).toList();
    if (fitting.isEmpty()) {
      return nodeHint; // a node not Ready now: the call waits for it (NodeUnavailable)
    }
    JsonObject topology = volume.spec().getJsonObject("topology");
    JsonArray terms = storageClass.spec().getJsonArray("allowedTopologies");
    List<StorageClassSpec.TopologyTerm> allowed = terms == null ? List.of()
        : JsonMapper.STRICT.convertValue(terms.getList(), ALLOWED_TOPOLOGIES);
    Map<String, String> asked = new HashMap<>();
    if (topology != null) {
      topology.forEach(e -> asked.put(e.getKey(), String.valueOf(e.getValue())));
    }
    // A host directory's root is the directory's, checked against the class when the volume was written.
    Set<String> settled = provider.capabilities().hostPaths() ? Set.of(Topology.HOST_PATH_ROOT) : Set.of();
    Placement.Decision decision = Placement.place(fitting,
        new Placement.Request(storageClass.name(), asked, allowed, settled), volume.uid());
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
