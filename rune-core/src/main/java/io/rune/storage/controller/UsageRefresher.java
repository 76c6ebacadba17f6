package io.rune.storage.controller;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.Change;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the usage of the provisioned volumes (Available, Bound, Released) in the shards
 * this node holds, with their driver's {@code usage()} on the node that holds each volume (the
 * routing of the other controllers), on a {@link UsageSchedule}: a fixed budget of calls per
 * second, each volume at most once per interval. Each measurement sets the volume's metrics;
 * the status is written when {@link UsageWriteRule} finds it says something new, and the write's
 * change is no controller's work ({@link UsageEchoes}).
 *
 * <p>A measurement that fails never touches the volume's phase or attempts, and goes around
 * the driver's circuit breaker (the driver answers it outside the breaker): it is tried again
 * later, waiting longer after each failure; said once at WARN, then at DEBUG until it works again.
 * A driver that measures nothing (UNSUPPORTED) is not asked again until the server restarts.
 */
final class UsageRefresher extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(UsageRefresher.class);
  private static final Set<String> MEASURED_PHASES = Set.of(VolumeStatus.Phase.Available.name(),
      VolumeStatus.Phase.Bound.name(), VolumeStatus.Phase.Released.name());
  /** The longest wait after failed measurements of a volume. */
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  /** Measurements in flight at once at most: a slow walk holds one, the others go on. */
  private static final int MAX_IN_FLIGHT = 4;

  private final Store store;
  private final ShardOwnership ownership;
  private final StatusWrites writes;
  private final Function<io.vertx.core.Vertx, VolumeTargets> targetsOn;
  private final VolumeUsageMeters meters;
  private final UsageEchoes echoes;
  private final Duration resyncInterval;
  private final UsageSchedule schedule;
  private final int maxInFlight;
  private final Map<ObjectKey, Integer> failures = new HashMap<>();
  private final Set<String> unmeasuringDrivers = new HashSet<>();
  private VolumeTargets targets;
  private ControllerFeed feed;
  private int inFlight;
  private long timer = -1;

  /**
   * @param targetsOn the volume targets (driver routing), made on this verticle's Vert.x
   * @param interval how often a volume is measured at most
   * @param callsPerSecond measurements per second on this node at most
   */
  UsageRefresher(Store store, ShardOwnership ownership, StatusWrites writes,
      Function<io.vertx.core.Vertx, VolumeTargets> targetsOn, VolumeUsageMeters meters, UsageEchoes echoes,
      Duration interval, int callsPerSecond, Duration resyncInterval) {
    this.store = store;
    this.ownership = ownership;
    this.writes = writes;
    this.targetsOn = targetsOn;
    this.meters = meters;
    this.echoes = echoes;
    this.resyncInterval = resyncInterval;
    this.schedule = new UsageSchedule(interval, callsPerSecond, MAX_BACKOFF);
    this.maxInFlight = Math.min(callsPerSecond, MAX_IN_FLIGHT);
  }

  @Override
  public Future<?> start() {
    targets = targetsOn.apply(vertx);
    feed = new ControllerFeed(vertx, this::onChange, this::resync, resyncInterval);
    return feed.listening();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    schedule.keys().forEach(this::drop);
    return feed.close();
  }

  private void onChange(Change change) {
    if (change.kind() != Kind.VOLUME) {
      return;
    }
    ObjectKey key = new ObjectKey(change.namespace(), change.name());
    if (change.type() != Change.Type.DELETED && ownership.owns(key)
        && MEASURED_PHASES.contains(change.object().getJsonObject("status", new io.vertx.core.json.JsonObject())
            .getString("phase"))) {
      add(key);
    } else {
      drop(key);
    }
  }

  /** Measures the provisioned volumes of this node's shards from now on, and no others. */
  private void resync() {
    store.keysInPhase(Kind.VOLUME, MEASURED_PHASES).onSuccess(keys -> {
      Set<ObjectKey> mine = keys.stream().filter(ownership::owns).collect(Collectors.toSet());
      schedule.keys().stream().filter(k -> !mine.contains(k)).forEach(this::drop);
      mine.forEach(this::add);
    }).onFailure(err -> log.warn("Usage resync could not read the store; the next one retries: {}",
        err.getMessage()));
  }

  private void add(ObjectKey key) {
    if (schedule.add(key, Instant.now())) {
      pump();
    }
  }

  /** Stops measuring the volume here: its metrics go (another node, or none, exports them now). */
  private void drop(ObjectKey key) {
    schedule.remove(key);
    failures.remove(key);
    meters.forget(key);
    echoes.forget(key);
  }

  /** Starts the measurements the schedule allows now, then waits for the next one it will. */
  private void pump() {
    Instant now = Instant.now();
    while (inFlight < maxInFlight) {
      var next = schedule.take(now);
      if (next.isEmpty()) {
        break;
      }
      ObjectKey key = next.get();
      inFlight++;
      measure(key).onComplete(done -> {
        inFlight--;
        pump();
      });
    }
    vertx.cancelTimer(timer);
    timer = -1;
    if (inFlight < maxInFlight) {
      schedule.untilNext(now).ifPresent(wait -> timer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> pump()));
    }
  }

  private Future<Void> measure(ObjectKey key) {
    if (!ownership.owns(key)) {
      drop(key);
      return Future.succeededFuture();
    }
    return store.get(Kind.VOLUME, key.namespace(), key.name()).compose(volume -> {
      VolumeStatus status = volume == null ? null : VolumeStatus.of(volume);
      if (status == null || !MEASURED_PHASES.contains(status.phase().name())) {
        drop(key);
        return Future.succeededFuture();
      }
      if (unmeasuringDrivers.contains(status.driver())) {
        schedule.measured(key, Instant.now());
        return Future.succeededFuture();
      }
      return targets.resolveForCleanup(volume)
          .compose(target -> {
            meters.measuring();
            return target.driver().usage(target.context(), status.handle());
          })
          .compose(usage -> record(volume, status.driver(), usage), err -> unsupported(err)
              ? unmeasuring(key, status.driver(), err) : Future.failedFuture(err));
    }).recover(err -> failed(key, err));
  }

  private Future<Void> record(ApiObject volume, String driver, VolumeUsage usage) {
    ObjectKey key = new ObjectKey(volume.namespace(), volume.name());
    Instant now = Instant.now();
    Integer failed = failures.remove(key);
    if (failed != null) {
      log.info("Usage of volume {} is measured again (after {} failed measurement(s))", key, failed);
    }
    meters.record(key, usage);
    schedule.measured(key, now);
    VolumeStatus before = VolumeStatus.of(volume);
    long size = Quantity.parseBytes("size", before.capacityOr(volume.spec().getString("size")));
    VolumeStatus after = UsageWriteRule.withMeasurement(before, usage, size, driver, now);
    if (!UsageWriteRule.worthWriting(before, after)) {
      return Future.succeededFuture();
    }
    echoes.expect(volume.withStatus(after.toJson()));
    return writes.writeVolume(volume, s -> after).mapEmpty();
  }

  private static boolean unsupported(Throwable err) {
    return err instanceof DriverException e && e.error() == DriverError.UNSUPPORTED;
  }

  private Future<Void> unmeasuring(ObjectKey key, String driver, Throwable err) {
    if (driver != null && unmeasuringDrivers.add(driver)) {
      log.info("Driver {} does not measure usage: its volumes have no status.usage ({})", driver, err.getMessage());
    }
    schedule.measured(key, Instant.now());
    return Future.succeededFuture();
  }

  private Future<Void> failed(ObjectKey key, Throwable err) {
    Instant now = Instant.now();
    if (err instanceof StatusWrites.Moved) {
      schedule.measured(key, now); // written meanwhile: the next measurement writes on the new row
    } else if (err instanceof ShardOwnership.LeaseLost) {
      drop(key);
    } else {
      int count = failures.merge(key, 1, Integer::sum);
      schedule.failed(key, now, count);
      if (count == 1) {
        log.warn("Cannot measure the usage of volume {}; trying again later, with growing waits: {}", key,
            err.getMessage());
      } else {
        log.debug("Cannot measure the usage of volume {} ({} failures in a row): {}", key, count, err.getMessage());
      }
    }
    return Future.succeededFuture();
  }
}
