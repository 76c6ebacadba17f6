package io.rune.storage.controller;

import io.micrometer.core.instrument.MeterRegistry;
import io.rune.storage.api.Resources;
import io.rune.storage.cluster.NodeDirectory;
import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.secrets.SecretValues;
import io.rune.storage.store.StorageClassView;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The controllers of the server, one verticle per kind, wired to the store and the drivers. */
public final class Controllers {
  private Controllers() {}

  /**
   * Deploys them all (as children of the calling verticle, so they stop before it).
   *
   * @param secrets reads Secret values for drivers' secret references (such as do-volume's
   *     {@code apiTokenSecretRef}), resolved into each driver call's context
   * @param directory the nodes of the cluster: where new node-local volumes may go, and
   *     whether the node of a node-local volume is away; read at most once per retry period
   *     (pass the server's {@link NodeDirectory#readAtMostEvery} to share its reads)
   * @param ownership which objects are this node's to reconcile (the shards it leases); every
   *     status write is fenced by it and no driver call is made while its leases are stale
   * @param clock the time of snapshot schedules (the system's UTC clock unless a test sets one)
   */
  public static Future<Void> deploy(Vertx vertx, Store store, Resources resources, DriverCatalog catalog,
      SecretValues secrets, RuneConfig config, NodeDirectory directory, ShardOwnership ownership, Clock clock,
      MeterRegistry metrics) {
    RuneConfig.Controller settings = config.controller();
    UsageEchoes usageEchoes = new UsageEchoes();
    OwnWrites ownWrites = new OwnWrites(Kind.VOLUME);
    StatusWrites writes = new StatusWrites(store, ownership, ownWrites);
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    Duration look = config.cluster().retryPeriod();
    ReadyNodes nodes = new ReadyNodes(NodeDirectory.readAtMostEvery(directory, look), Placement.Node.of(config));
    AttemptCycle cycle = new AttemptCycle(settings.maxAttempts(), backoff, nodes::waitOver);
    ResourceController<VolumeStatus> volumes = new ResourceController<>(Kind.VOLUME, VolumeStatus.NEEDS_WORK, VolumeStatus::from,
        store, ownership, v -> new VolumeReconciler(store, writes, targets(v, resources.storageClasses(), catalog, secrets, nodes, config,
            ownership), cycle, config.drivers().callTimeout()), settings.resyncInterval(), settings.workers())
        .alsoWhen(VolumeStatus::expansionRequested, s -> s.keysExpanding(Kind.VOLUME)).ignoring(usageEchoes::isEcho)
        .reconcilingFromFeed(ownWrites);
    ResourceController<SnapshotStatus> snapshots = new ResourceController<>(Kind.SNAPSHOT, SnapshotStatus.NEEDS_WORK,
        SnapshotStatus::from, store, ownership, v -> new SnapshotReconciler(store, writes,
            targets(v, resources.storageClasses(), catalog, secrets, nodes, config, ownership), cycle),
        settings.resyncInterval(), settings.workers()).ignoring(usageEchoes::isEcho);
    ResourceController<ServiceStatus> services = new ResourceController<>(Kind.SERVICE, ServiceStatus.NEEDS_WORK, ServiceStatus::from,
        store, ownership, v -> new ServiceReconciler(store, writes, resources, new VolumeBinder(
            targets(v, resources.storageClasses(), catalog, secrets, nodes, config, ownership), writes, config.dataDir().resolve("mounts"),
            backoff), config.node(), cycle),
        settings.resyncInterval(), settings.workers(),
        change -> change.kind() == Kind.VOLUME ? ServiceReconciler.servicesOf(change) : java.util.List.of())
        .ignoring(usageEchoes::isEcho);
    ResourceController<VolumeStatus> schedules = new ResourceController<>(Kind.VOLUME, Set.of(), VolumeStatus::from,
        store, ownership, v -> new ScheduleReconciler(store, writes, resources, clock, scheduleLook(clock)),
        settings.resyncInterval(), settings.workers())
        .alsoWhenObject(Controllers::scheduled, Store::keysScheduled).named("VolumeSchedule")
        .ignoring(usageEchoes::isEcho);
    RuneConfig.Storage storage = config.storage();
    // usageCallsPerSecond = 0: the operator turned measuring off (no walks, no usage writes).
    Supplier<Future<String>> usage = storage.usageCallsPerSecond() == 0 ? () -> Future.succeededFuture("")
        : () -> vertx.deployVerticle(new UsageRefresher(store, ownership, writes,
            v -> targets(v, resources.storageClasses(), catalog, secrets, nodes, config, ownership), new VolumeUsageMeters(metrics),
            usageEchoes, storage.usageInterval(), storage.usageCallsPerSecond(), settings.resyncInterval()));
    return vertx.deployVerticle(volumes).compose(id -> vertx.deployVerticle(snapshots))
        .compose(id -> vertx.deployVerticle(services))
        .compose(id -> vertx.deployVerticle(schedules))
        .compose(id -> usage.get())
        .compose(id -> vertx.deployVerticle(new NodeReturns(nodes, look, List.of(volumes, snapshots))))
        .mapEmpty();
  }

  /** A volume with a schedule, or with the status of one that was removed (which is cleared). */
  private static boolean scheduled(JsonObject volume) {
    return volume.containsKey("snapshotSchedule")
        || volume.getJsonObject("status", new JsonObject()).containsKey("schedule");
  }

  /**
   * How long a schedule waits at most before it looks at the time again: on the system's
   * clock a minute (the wait is computed to the next tick; this only bounds the harm of a
   * clock step), on any other clock (a test's, which it advances at will) a second, so that a
   * tick the test moved the clock past fires within a second, without a resync.
   */
  private static Duration scheduleLook(Clock clock) {
    return clock.equals(Clock.systemUTC()) ? Duration.ofMinutes(1) : Duration.ofSeconds(1);
  }

  private static VolumeTargets targets(Vertx vertx, StorageClassView classes, DriverCatalog catalog,
      SecretValues secrets, ReadyNodes nodes, RuneConfig config, ShardOwnership ownership) {
    return new VolumeTargets(vertx, classes, catalog, secrets, nodes, config.drivers().callTimeout())
        .callingWhileFresh(ownership);
  }
}
