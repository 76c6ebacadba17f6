package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * {@code do-volume}: a volume is a DigitalOcean block volume in the class's region, made
 * with the token of the class's secret. Provision, snapshot and restore look up by name
 * (derived from the uid) before they create, so a retry after a crash or a timeout adopts
 * what the first call made instead of making a second one; {@link #find} is that lookup
 * alone, for reclaim. Both go through {@link DoLookup}, which checks name, region and tags.
 * Attach, detach and resize go through volume actions followed to the end; mount formats a
 * blank device, mounts it and grows its filesystem to the device.
 */
final class DoVolumeDriver implements StorageDriver {
  private final DoApi api;
  private final DoActions actions;
  private final DoSnapshots snapshots;
  private final DoLookup lookup;
  private final BlockDeviceMounter mounter;
  private final DoNode node;

  DoVolumeDriver(DoApi api, DoActions actions, BlockDeviceMounter mounter, DoNode node) {
    this.api = api;
    this.actions = actions;
    this.snapshots = new DoSnapshots(api);
    this.lookup = new DoLookup(api);
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
        return DoFaults.failed(DriverError.TRANSIENT, DoFaults.VOLUME_ATTACHED, "DigitalOcean volume " + handle
            + " is still attached to a droplet and cannot be deleted yet (" + answer.message() + ")");
      }
      return DoFaults.refused("delete of volume " + handle, answer);
    });
  }

  /** The id of the volume this request made, checked by name, region and tags; null when there is none. */
  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return DoClass.of(ctx).compose(cls -> lookup.find(cls, request))
        .map(found -> found.ours() == null ? null : found.ours().getString("id"));
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
        return DoFaults.failed(DriverError.PERMANENT, DoFaults.VOLUME_ATTACHED, "DigitalOcean volume " + handle
            + " is attached to droplet " + droplets.getValue(0) + "; a ReadWriteOnce volume is attached to one"
            + " droplet at a time, detach it there first");
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

  /** DigitalOcean's own volume snapshot: method {@code cloud} (how it stores it is its business). */
  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    return DoClass.of(ctx).compose(cls -> snapshots.create(cls.token(), request))
        .map(id -> new MadeSnapshot(id, MadeSnapshot.CLOUD));
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return DoClass.of(ctx).compose(cls -> snapshots.delete(cls.token(), snapshotHandle));
  }

  /**
   * Grows the volume with the resize action, followed to completion (DigitalOcean resizes
   * upwards only, attached volumes too); a size it already has is success without a call. A
   * resize a timed-out earlier call left running is followed, not started twice. When the
   * volume is mounted on this droplet, its filesystem is grown too; elsewhere, the next mount
   * grows it.
   */
  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    long wanted = DoClass.gigabytes(newSizeBytes);
    return DoClass.of(ctx).compose(cls -> volume(cls, handle).compose(volume -> {
      if (!cls.region().equals(DoLookup.region(volume))) {
        return DoFaults.failed(DriverError.PERMANENT, DoFaults.REGION_MISMATCH, "DigitalOcean volume " + handle
            + " is in " + DoLookup.region(volume) + ", not in " + cls.region() + " where its class makes volumes");
      }
      String device = DoNames.device(volume.getString("name"));
      if (volume.getLong("size_gigabytes", 0L) >= wanted) {
        return mounter.grow(device);
      }
      return actions.awaitRunningResize(cls.token(), handle).compose(followed -> followed
          ? expand(ctx, handle, newSizeBytes)
          : actions.resize(cls.token(), handle, wanted, cls.region()).recover(refused -> grownMeanwhile(cls,
              handle, wanted, refused)).compose(resized -> mounter.grow(device)));
    }));
  }

  /** A resize refused because one that ended meanwhile already gave the size (422 "only upwards") is done. */
  private Future<Void> grownMeanwhile(DoClass cls, String handle, long wanted, Throwable refused) {
    return volume(cls, handle).transform(read -> read.succeeded()
        && read.result().getLong("size_gigabytes", 0L) >= wanted ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(refused));
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
    List<String> tags = DoNames.tags(request.namespace(), request.name());
    return lookup.find(cls, request).compose(found -> {
      if (found.ours() != null) {
        return adopted(found.ours(), size, cls);
      }
      if (found.foreign() != null) {
        return DoFaults.failed(DriverError.PERMANENT, DoFaults.NAME_TAKEN, DoLookup.foreignMessage(found.foreign(),
            tags));
      }
      JsonObject body = new JsonObject().put("name", name).put("size_gigabytes", size).put("region", cls.region())
          .put("description", DoNames.description(request.namespace(), request.name()))
          .put("filesystem_type", cls.fsType())
          .put("tags", new JsonArray(tags));
      if (snapshotId != null) {
        body.put("snapshot_id", snapshotId);
      }
      return api.post(cls.token(), "/v2/volumes", body).compose(answer -> {
        if (answer.status() == 201) {
          return adopted(answer.body().getJsonObject("volume"), size, cls);
        }
        if (answer.status() == 409) {
          // Made by a call that raced this one (or whose answer was lost): take that one, if it is ours.
          return lookup.find(cls, request).compose(raced -> raced.ours() != null ? adopted(raced.ours(), size, cls)
              : DoFaults.failed(raced.foreign() != null ? DriverError.PERMANENT : DriverError.TRANSIENT,
                  DoFaults.NAME_TAKEN, raced.foreign() != null ? DoLookup.foreignMessage(raced.foreign(), tags)
                      : "DigitalOcean says the name " + name + " is taken in " + cls.region()
                          + " but does not list it yet (" + answer.message() + "); looked up again on the next"
                          + " attempt"));
        }
        if (answer.status() == 403) {
          return DoFaults.failed(DriverError.PERMANENT, DoFaults.CAPACITY, "DigitalOcean refused volume "
              + name + ": " + answer.message() + " (raise the account's limit or delete unused volumes)");
        }
        return DoFaults.refused("create of volume " + name + " (" + size + " GiB in " + cls.region() + ")", answer);
      });
    });
  }

  private static Future<ProvisionedVolume> adopted(JsonObject volume, long size, DoClass cls) {
    long has = volume.getLong("size_gigabytes", 0L);
    if (has != size) {
      return DoFaults.failed(DriverError.PERMANENT, DoFaults.REFUSED, "DigitalOcean already has volume "
          + volume.getString("name") + " in " + cls.region() + " with " + has + " GiB, not the " + size
          + " GiB asked for; delete it there or ask for its size");
    }
    return Future.succeededFuture(new ProvisionedVolume(volume.getString("id"),
        Map.of(DoVolumeDriverProvider.REGION_LABEL, cls.region())));
  }

  private Future<JsonObject> volume(DoClass cls, String handle) {
    return api.get(cls.token(), "/v2/volumes/" + handle).compose(answer -> {
      if (answer.status() == 404) {
        return DoFaults.failed(DriverError.NOT_FOUND, DoFaults.NOT_FOUND, "DigitalOcean has no volume "
            + handle + " (deleted outside Rune?)");
      }
      return answer.ok() ? Future.succeededFuture(answer.body().getJsonObject("volume"))
          : DoFaults.refused("lookup of volume " + handle, answer);
    });
  }
}
