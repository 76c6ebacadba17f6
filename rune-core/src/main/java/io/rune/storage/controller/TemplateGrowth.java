package io.rune.storage.controller;

import io.rune.storage.api.ApiException;
import io.rune.storage.api.Principal;
import io.rune.storage.api.Resources;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grows the volumes of a Service's claimTemplate whose size was raised, one at a time, in
 * ordinal order: the next volume's size is raised (through the API, as the system, so it is
 * checked and marked as any PUT) only once every earlier one has the new capacity, so that
 * at most one replica's storage is being changed at any moment. Kubernetes never did this
 * for a StatefulSet (its issue 68737). The volume changes wake the service (it owns them),
 * which takes the next step; what it does is in each replica's message.
 */
final class TemplateGrowth {
  private static final Logger log = LoggerFactory.getLogger(TemplateGrowth.class);

  private final Store store;
  private final Resources resources;

  TemplateGrowth(Store store, Resources resources) {
    this.store = store;
    this.resources = resources;
  }

  /** Takes the next step of any growth under way; gives what each replica's volumes are doing, by ordinal. */
  Future<Map<Integer, String>> step(ApiObject service, int scale) {
    Map<Integer, String> notes = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Object e : service.spec().getJsonArray("volumes", new JsonArray())) {
      JsonObject entry = (JsonObject) e;
      JsonObject template = entry.getJsonObject("claimTemplate");
      if (template != null) {
        chain = chain.compose(v -> grow(service, entry, template.getString("size"), scale, notes));
      }
    }
    return chain.map(v -> notes);
  }

  /** Walks the entry's volumes in ordinal order until the first one still growing (or just raised). */
  private Future<Void> grow(ApiObject service, JsonObject entry, String size, int scale, Map<Integer, String> notes) {
    long wanted = Quantity.parseBytes("size", size);
    Future<String> chain = Future.succeededFuture(null); // the volume still growing, once one is
    for (int i = 0; i < scale; i++) {
      int ordinal = i;
      ObjectKey key = ServiceReconciler.volumeKey(service, entry, ordinal);
      chain = chain.compose(growing -> store.get(Kind.VOLUME, key.namespace(), key.name()).compose(volume -> {
        if (volume == null || VolumeStatus.of(volume).deleting()) {
          return Future.succeededFuture(growing); // made at the template's size, or going
        }
        if (growing != null) {
          if (Quantity.parseBytes("size", volume.spec().getString("size")) < wanted) {
            notes.merge(ordinal, "volume " + key.name() + " grows to " + size + " after " + growing, this::join);
          }
          return Future.succeededFuture(growing);
        }
        return step(volume, key, size, wanted).map(note -> {
          if (note != null) {
            notes.merge(ordinal, note, this::join);
          }
          return note == null ? null : key.name();
        });
      }));
    }
    return chain.mapEmpty();
  }

  /** Raises the volume's size, or says it is still growing; null when it has the size already. */
  private Future<String> step(ApiObject volume, ObjectKey key, String size, long wanted) {
    VolumeStatus status = VolumeStatus.of(volume);
    String asked = volume.spec().getString("size");
    if (Quantity.parseBytes("size", asked) < wanted) {
      return raise(volume, size).map(v -> "growing volume " + key.name() + " from " + asked + " to " + size);
    }
    boolean growing = status.expansionRequested() || Quantity.parseBytes("size", status.capacityOr(asked)) < wanted;
    if (!growing) {
      return Future.succeededFuture(null);
    }
    String reason = status.reason();
    return Future.succeededFuture("growing volume " + key.name() + " to " + size
        + (reason != null && !reason.equals(VolumeStatus.EXPANDING) ? " (" + reason + ": "
            + (status.message() != null ? status.message() : "") + ")" : ""));
  }

  /** PUT of the volume's own fields with the new size, as the system; a concurrent write means the next look does it. */
  private Future<Void> raise(ApiObject volume, String size) {
    JsonObject body = volume.spec().copy().put("size", size).put("name", volume.name())
        .put("labels", new JsonObject(new HashMap<String, Object>(volume.labels())))
        .put("resourceVersion", Long.toString(volume.resourceVersion()));
    return resources.replace(Principal.SYSTEM, Kind.VOLUME, volume.namespace(), volume.name(), body)
        .onSuccess(v -> log.info("Volume {} of a service's claimTemplate grows to {}", volume.key(), size))
        .<Void>mapEmpty()
        .recover(err -> err instanceof ApiException api && api.code().equals("Conflict")
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private String join(String a, String b) {
    return a + "; " + b;
  }
}
