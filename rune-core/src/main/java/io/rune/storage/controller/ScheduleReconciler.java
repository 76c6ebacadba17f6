package io.rune.storage.controller;

import io.rune.storage.api.Resources;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.ScheduleStatus;
import io.rune.storage.model.SnapshotSchedule;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.ValidationException;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.schedule.Schedule;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs a volume's {@code snapshotSchedule}: at each tick, one Snapshot object (the snapshot
 * controller makes the storage), then retention over that volume's scheduled snapshots, then
 * {@code status.schedule}. The tick is recorded in the same fenced transaction as the
 * snapshot object ({@link io.rune.storage.store.StoreTx#takeTick}), so a crash or a
 * failover neither skips nor doubles it. After downtime only the newest missed tick is taken
 * (one catch-up snapshot), and status.schedule.message says how many were missed.
 *
 * <p>The time is {@code clock}'s; a run asks to be looked at again at the next tick, or
 * after {@code maxWait} if that comes first (a clock a test advances is noticed that soon).
 */
final class ScheduleReconciler implements Reconciler {
  /** The phases in which a volume has storage to snapshot. */
  private static final Set<VolumeStatus.Phase> SNAPSHOTTABLE = Set.of(VolumeStatus.Phase.Available,
      VolumeStatus.Phase.Bound, VolumeStatus.Phase.Released);

  private final Store store;
  private final StatusWrites writes;
  private final Retention retention;
  private final Clock clock;
  private final Duration maxWait;

  ScheduleReconciler(Store store, StatusWrites writes, Resources resources, Clock clock, Duration maxWait) {
    this.store = store;
    this.writes = writes;
    this.retention = new Retention(store, resources);
    this.clock = clock;
    this.maxWait = maxWait;
  }

  @Override
  public Future<Outcome> reconcile(ObjectKey key) {
    return StatusWrites.onRow(store.get(Kind.VOLUME, key.namespace(), key.name()), this::step);
  }

  private Future<Outcome> step(ApiObject volume) {
    JsonObject spec = volume.spec().getJsonObject("snapshotSchedule");
    VolumeStatus status = VolumeStatus.of(volume);
    if (spec == null && status.schedule() != null && !status.deleting()) {
      // The schedule was removed: so is what it said, so that status does not show a next run that never comes.
      return writes.writeVolume(volume, s -> s.withSchedule(null)).map(written -> Outcome.DONE);
    }
    if (spec == null || status.deleting()) {
      return Future.succeededFuture(Outcome.DONE);
    }
    Instant now = clock.instant();
    ScheduleStatus was = status.schedule() != null ? status.schedule()
        : new ScheduleStatus(null, null, null, null, null);
    Schedule schedule;
    try {
      schedule = Schedule.parse("snapshotSchedule", spec.mapTo(SnapshotSchedule.class));
    } catch (ValidationException | IllegalArgumentException e) {
      // Admission checks every schedule; a row written otherwise says why it never runs.
      return write(volume, was, new ScheduleStatus(was.lastRunAt(), was.lastSnapshot(), null, e.getMessage(),
          was.message()), Outcome.DONE);
    }
    Instant due = was.nextRunAt();
    if (due == null || !due.equals(schedule.nextTickAfter(due.minusSeconds(1)))) {
      // First sight of this schedule (or it changed): it starts with its next tick, not a past one.
      Instant next = schedule.nextTickAfter(now);
      return write(volume, was, new ScheduleStatus(was.lastRunAt(), was.lastSnapshot(), next, was.lastError(),
          was.message()), againAt(next, now));
    }
    if (now.isBefore(due)) {
      return Future.succeededFuture(againAt(due, now));
    }
    if (!SNAPSHOTTABLE.contains(status.phase())) {
      return Future.succeededFuture(Outcome.again(maxWait)); // no storage yet (or a failed one): the tick waits
    }
    Instant tick = schedule.lastTickAtOrBefore(now);
    int missed = schedule.ticksBetween(due, tick);
    String name = schedule.snapshotName(volume.name(), tick);
    return take(volume, schedule, tick, name)
        .compose(error -> retention.apply(volume, schedule, now).map(kept -> error != null ? error : kept))
        .compose(error -> {
          Instant next = schedule.nextTickAfter(now);
          String note = missed == 0 ? null : "caught up: " + (missed + 1) + " ticks came due while the schedule"
              + " was not running; one snapshot taken (" + name + "), for the newest";
          return write(volume, was, new ScheduleStatus(now, name, next, error, note), againAt(next, now));
        });
  }

  /**
   * Takes the tick and inserts its snapshot in one fenced transaction; null when the tick is
   * taken (now or before), else why it has no snapshot of its own.
   */
  private Future<String> take(ApiObject volume, Schedule schedule, Instant tick, String name) {
    ObjectKey key = new ObjectKey(volume.namespace(), volume.name());
    Failpoints.hit(Failpoints.BEFORE_SCHEDULE_TICK);
    return writes.fenced(key, fence -> store.write(tx -> tx.takeTick(fence, volume.uid(), tick, name)
            .compose(taken -> !taken ? Future.succeededFuture((String) null)
                : tx.get(Kind.SNAPSHOT, volume.namespace(), name).compose(existing -> existing != null
                    ? Future.succeededFuture("snapshot " + name + " already exists and was not made by this"
                        + " schedule; the tick of " + tick + " has no snapshot of its own")
                    : tx.insert(snapshotOf(volume, schedule, tick, name)).map(inserted -> (String) null)))))
        .onSuccess(v -> Failpoints.hit(Failpoints.AFTER_SCHEDULE_TICK));
  }

  private static ApiObject snapshotOf(ApiObject volume, Schedule schedule, Instant tick, String name) {
    Map<String, String> labels = new HashMap<>(schedule.labels());
    labels.put(Schedule.LABEL, volume.name());
    labels.put(Schedule.TICK_LABEL, Long.toString(tick.getEpochSecond()));
    JsonObject spec = new JsonObject().put("source", new JsonObject().put("volume", volume.name())
        .put("namespace", volume.namespace()));
    return new ApiObject(Kind.SNAPSHOT, volume.namespace(), name, null, 0, labels, spec,
        SnapshotStatus.from(null).toJson(), null, null);
  }

  /** Writes status.schedule when it changed (a write is a change the watch stream shows). */
  private Future<Outcome> write(ApiObject volume, ScheduleStatus was, ScheduleStatus now, Outcome then) {
    if (now.equals(was)) {
      return Future.succeededFuture(then);
    }
    return writes.writeVolume(volume, s -> s.withSchedule(now)).map(written -> then);
  }

  private Outcome againAt(Instant next, Instant now) {
    if (next == null) {
      return Outcome.DONE; // an expression without a future tick (such as 30 February)
    }
    Duration wait = Duration.between(now, next);
    return Outcome.again(wait.compareTo(maxWait) > 0 ? maxWait : wait);
  }
}
