package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * {@code do-volume}: a volume is a DigitalOcean block volume in the class's region, made
 * with the token of the class's secret. Provision, snapshot and restore look up by name
 * (derived from the uid) before they create, so a retry after a crash or a timeout adopts
 * what the first call made instead of making a second one. Attach and detach go through
 * volume actions followed to the end; mount formats a blank device and mounts it.
 */
final class DoVolumeDriver implements StorageDriver {
  private final DoApi api;
  private final DoActions actions;
  private final DoSnapshots snapshots;
  private final BlockDeviceMounter mounter;
  private final DoNode node;

  DoVolumeDriver(DoApi api, DoActions actions, BlockDeviceMounter mounter, DoNode node) {
    this.api = api;
    this.actions = actions;
    this.snapshots = new DoSnapshots(api);
    this.mounter = mounter;
    this.node = node;
  }

  @Override
  public String name() {
    return DoVolumeDriverProvider.NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return DoVolumeDriverProvider.CAPABILITIES;
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    return create(ctx, request, null);
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return create(ctx, request.volume(), request.snapshotHandle());
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return DoClass.of(ctx).compose(cls -> api.delete(cls.token(), "/v2/volumes/" + handle)).compose(answer -> {
      if (answer.ok() || answer.status() == 404) {
        return Future.succeededFuture();
      }
      if (answer.status() == 409) {
        return Future.failedFuture(new DriverException(DriverError.TRANSIENT, "DigitalOcean volume " + handle
            + " is still attached to a droplet and cannot be deleted yet (" + answer.message() + ")"));
      }
      return refused("delete of volume " + handle, answer);
    });
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String nodeName) {
    return DoClass.of(ctx).compose(cls -> {
      long droplet = node.dropletId(nodeName);
      node.checkRegion(cls.region());
      return attach(cls, handle, droplet);
    });
  }

  private Future<String> attach(DoClass cls, String handle, long droplet) {
    return volume(cls, handle).compose(volume -> {
      JsonArray droplets = volume.getJsonArray("droplet_ids", new JsonArray());
      String device = DoNames.device(volume.getString("name"));
      if (droplets.contains(droplet) || droplets.contains((int) droplet)) {
        return Future.succeededFuture(device);
      }
      if (!droplets.isEmpty()) {
        return Future.failedFuture(new DriverException(DriverError.PERMANENT, "DigitalOcean volume " + handle
            + " is attached to droplet " + droplets.getValue(0) + "; a ReadWriteOnce volume is attached to one"
            + " droplet at a time, detach it there first"));
      }
      return actions.attach(cls.token(), handle, droplet, cls.region()).map(device);
    });
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String nodeName) {
    return DoClass.of(ctx).compose(cls -> actions.detach(cls.token(), handle, node.dropletId(nodeName), cls.region()));
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return DoClass.of(ctx).compose(cls -> mounter.mount(request.device(), request.target(),
        request.fsType() != null ? request.fsType() : cls.fsType(), request.readOnly()));
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return mounter.unmount(target);
  }

  @Override
  public Future<String> snapshot(DriverContext ctx, SnapshotRequest request) {
    return DoClass.of(ctx).compose(cls -> snapshots.create(cls.token(), request));
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return DoClass.of(ctx).compose(cls -> snapshots.delete(cls.token(), snapshotHandle));
  }

  /** Grows the volume (DigitalOcean resizes upwards only); a size it already has is success. */
  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    long wanted = DoClass.gigabytes(newSizeBytes);
    return DoClass.of(ctx).compose(cls -> volume(cls, handle).compose(volume -> volume.getLong("size_gigabytes", 0L)
        >= wanted ? Future.<Void>succeededFuture() : actions.resize(cls.token(), handle, wanted, cls.region())));
  }

  @Override
  public Future<Void> close() {
    api.close();
    mounter.close();
    return Future.succeededFuture();
  }

  /** Provision or restore: adopt the volume of this uid's name if there is one, else create it. */
  private Future<ProvisionedVolume> create(DriverContext ctx, ProvisionRequest request, String snapshotId) {
    return DoClass.of(ctx).compose(cls -> create(cls, request, snapshotId));
  }

  private Future<ProvisionedVolume> create(DoClass cls, ProvisionRequest request, String snapshotId) {
    String name = DoNames.volume(request.uid());
    long size = DoClass.gigabytes(request.sizeBytes());
    return existing(cls, name).compose(found -> {
      if (found != null) {
        return adopted(found, size, cls);
      }
      JsonObject body = new JsonObject().put("name", name).put("size_gigabytes", size).put("region", cls.region())
          .put("description", DoNames.description(request.namespace(), request.name()))
          .put("filesystem_type", cls.fsType())
          .put("tags", new JsonArray(DoNames.tags(request.namespace(), request.name())));
      if (snapshotId != null) {
        body.put("snapshot_id", snapshotId);
      }
      return api.post(cls.token(), "/v2/volumes", body).compose(answer -> {
        if (answer.status() == 201) {
          return adopted(answer.body().getJsonObject("volume"), size, cls);
        }
        if (answer.status() == 409) {
          // Made by a call that raced this one (or whose answer was lost): take that one.
          return existing(cls, name).compose(raced -> raced != null ? adopted(raced, size, cls)
              : Future.failedFuture(new DriverException(DriverError.TRANSIENT, "DigitalOcean says the name " + name
                  + " is taken in " + cls.region() + " but does not list it yet (" + answer.message()
                  + "); looked up again on the next attempt")));
        }
        if (answer.status() == 403) {
          return Future.failedFuture(new DriverException(DriverError.PERMANENT, "DigitalOcean refused volume "
              + name + ": " + answer.message() + " (raise the account's limit or delete unused volumes)"));
        }
        return refused("create of volume " + name + " (" + size + " GiB in " + cls.region() + ")", answer);
      });
    });
  }

  private static Future<ProvisionedVolume> adopted(JsonObject volume, long size, DoClass cls) {
    long has = volume.getLong("size_gigabytes", 0L);
    if (has != size) {
      return Future.failedFuture(new DriverException(DriverError.PERMANENT, "DigitalOcean already has volume "
          + volume.getString("name") + " in " + cls.region() + " with " + has + " GiB, not the " + size
          + " GiB asked for; delete it there or ask for its size"));
    }
    return Future.succeededFuture(new ProvisionedVolume(volume.getString("id"),
        Map.of(DoVolumeDriverProvider.REGION_LABEL, cls.region())));
  }

  /** The volume called {@code name} in the class's region, or null. */
  private Future<JsonObject> existing(DoClass cls, String name) {
    return api.get(cls.token(), "/v2/volumes?name=" + name + "&region=" + cls.region()).compose(answer -> {
      if (!answer.ok()) {
        return refused("lookup of volume " + name, answer);
      }
      JsonArray volumes = answer.body().getJsonArray("volumes", new JsonArray());
      return Future.succeededFuture(volumes.isEmpty() ? null : volumes.getJsonObject(0));
    });
  }

  private Future<JsonObject> volume(DoClass cls, String handle) {
    return api.get(cls.token(), "/v2/volumes/" + handle).compose(answer -> {
      if (answer.status() == 404) {
        return Future.failedFuture(new DriverException(DriverError.NOT_FOUND, "DigitalOcean has no volume "
            + handle + " (deleted outside Rune?)"));
      }
      return answer.ok() ? Future.succeededFuture(answer.body().getJsonObject("volume"))
          : refused("lookup of volume " + handle, answer);
    });
  }

  static <T> Future<T> refused(String what, DoApi.Response answer) {
    DriverError error = answer.status() == 429 || answer.status() >= 500 ? DriverError.TRANSIENT : DriverError.PERMANENT;
    return Future.failedFuture(new DriverException(error, what + " was refused by DigitalOcean (HTTP "
        + answer.status() + (answer.errorId().isEmpty() ? "" : " " + answer.errorId()) + "): " + answer.message()));
  }
}
