package io.rune.storage.controller;

import io.rune.storage.api.ApiException;
import io.rune.storage.api.Principal;
import io.rune.storage.api.Resources;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.schedule.Schedule;
import io.rune.storage.store.ListQuery;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A schedule's retention over one volume's scheduled snapshots (those labelled
 * {@value Schedule#LABEL} with the volume's name: never one made by hand): beyond the
 * {@code keep} newest, and older than {@code maxAge}, they are deleted through the API's own
 * delete, as the system. A snapshot the API refuses to delete because a restore is reading it
 * (409 SnapshotInUse) is kept until a later run.
 */
final class Retention {
  private static final int PAGE = 1000;

  private final Store store;
  private final Resources resources;

  Retention(Store store, Resources resources) {
    this.store = store;
    this.resources = resources;
  }

  /** Deletes what the schedule no longer keeps; null when all went, else what could not. */
  Future<String> apply(ApiObject volume, Schedule schedule, Instant now) {
    LabelSelector mine = LabelSelector.parse(Schedule.LABEL + "=" + volume.name());
    return store.list(new ListQuery(Kind.SNAPSHOT, Set.of(volume.namespace()), mine, PAGE, null)).compose(page -> {
      List<Taken> taken = page.items().stream().map(JsonObject::new).map(Taken::of)
          .filter(t -> !t.deleting()).sorted(Comparator.comparing(Taken::tick).reversed()).toList();
      List<String> doomed = new ArrayList<>();
      for (int i = 0; i < taken.size(); i++) {
        Taken t = taken.get(i);
        boolean beyondKeep = schedule.keep() != null && i >= schedule.keep();
        boolean tooOld = schedule.maxAge() != null && t.tick().isBefore(now.minus(schedule.maxAge()));
        if (beyondKeep || tooOld) {
          doomed.add(t.name());
        }
      }
      return deleteEach(volume.namespace(), doomed, 0, new ArrayList<>());
    });
  }

  private Future<String> deleteEach(String namespace, List<String> names, int at, List<String> problems) {
    if (at == names.size()) {
      return Future.succeededFuture(problems.isEmpty() ? null : "retention could not delete: "
          + String.join("; ", problems));
    }
    String name = names.get(at);
    return resources.delete(Principal.SYSTEM, Kind.SNAPSHOT, namespace, name, false).<Void>mapEmpty()
        .recover(err -> {
          if (!ApiException.hasCode(err, ApiException.SNAPSHOT_IN_USE)
              && !ApiException.hasCode(err, ApiException.NOT_FOUND)) {
            problems.add(name + ": " + err.getMessage());
          }
          return Future.succeededFuture(); // in use: kept for now, the next run tries again
        })
        .compose(v -> deleteEach(namespace, names, at + 1, problems));
  }

  /** A scheduled snapshot as a list page serves it: its tick from its label (its creation if the label is gone). */
  private record Taken(String name, Instant tick, boolean deleting) {
    static Taken of(JsonObject snapshot) {
      JsonObject labels = snapshot.getJsonObject("labels", new JsonObject());
      String tick = labels.getString(Schedule.TICK_LABEL);
      Instant at;
      try {
        at = tick != null ? Instant.ofEpochSecond(Long.parseLong(tick)) : Instant.parse(snapshot.getString("createdAt"));
      } catch (RuntimeException e) {
        at = Instant.EPOCH;
      }
      return new Taken(snapshot.getString("name"), at,
          SnapshotStatus.from(snapshot.getJsonObject("status")).deleting());
    }
  }
}
