package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.SnapshotRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Volume snapshots, idempotent by name: a retried snapshot finds the one its first call made. */
final class DoSnapshots {
  private static final int PAGE = 200;
  private final DoApi api;

  DoSnapshots(DoApi api) {
    this.api = api;
  }

  Future<String> create(DoToken token, SnapshotRequest request) {
    String name = DoNames.snapshot(request.snapshotUid());
    String volume = request.volumeHandle();
    return find(token, volume, name, 1).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      JsonObject body = new JsonObject().put("name", name)
          .put("tags", new JsonArray(DoNames.tags(request.namespace(), request.snapshotName())));
      return api.post(token, "/v2/volumes/" + volume + "/snapshots", body).compose(answer -> {
        if (answer.status() == 201) {
          return Future.succeededFuture(answer.body().getJsonObject("snapshot").getString("id"));
        }
        if (answer.status() == 409) {
          return find(token, volume, name, 1).compose(raced -> raced != null ? Future.succeededFuture(raced)
              : DoFaults.refused("snapshot " + name + " of volume " + volume, answer));
        }
        if (answer.status() == 404) {
          return DoFaults.failed(DriverError.NOT_FOUND, DoFaults.NOT_FOUND, "DigitalOcean has no volume "
              + volume + " to snapshot");
        }
        return DoFaults.refused("snapshot " + name + " of volume " + volume, answer);
      });
    });
  }

  Future<Void> delete(DoToken token, String snapshotId) {
    return api.delete(token, "/v2/volumes/snapshots/" + snapshotId).compose(answer -> answer.ok()
        || answer.status() == 404 ? Future.<Void>succeededFuture()
        : DoFaults.refused("delete of snapshot " + snapshotId, answer));
  }

  /** The id of the volume's snapshot called {@code name}, page by page, or null. */
  private Future<String> find(DoToken token, String volume, String name, int page) {
    return api.get(token, "/v2/volumes/" + volume + "/snapshots?per_page=" + PAGE + "&page=" + page)
        .compose(answer -> {
          if (answer.status() == 404) {
            return DoFaults.failed(DriverError.NOT_FOUND, DoFaults.NOT_FOUND, "DigitalOcean has no volume "
                + volume + " to snapshot");
          }
          if (!answer.ok()) {
            return DoFaults.refused("listing the snapshots of volume " + volume, answer);
          }
          JsonArray snapshots = answer.body().getJsonArray("snapshots", new JsonArray());
          for (int i = 0; i < snapshots.size(); i++) {
            if (name.equals(snapshots.getJsonObject(i).getString("name"))) {
              return Future.succeededFuture(snapshots.getJsonObject(i).getString("id"));
            }
          }
          boolean more = answer.body().getJsonObject("links", new JsonObject())
              .getJsonObject("pages", new JsonObject()).containsKey("next");
          return more ? find(token, volume, name, page + 1) : Future.succeededFuture(null);
        });
  }
}
