package io.rune.storage.driver.runtime;

import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.VolumeOwnership;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON of the requests and results of driver calls, which {@link DriverProtocol}'s
 * operations are made of. Written out by hand so that the wire form is plain JSON a driver in
 * another process (or language) could answer, with no codec to register; the field names are
 * what nodes of other builds read, so they never change.
 */
final class DriverMessages {
  private DriverMessages() {}

  /** How one value travels in a call's JSON, both ways. */
  record Codec<T, W>(Function<T, W> writer, Function<W, T> reader) {
    W write(T value) {
      return writer.apply(value);
    }

    T read(W wire) {
      return reader.apply(wire);
    }
  }

  /** The arguments of attach and detach, which the driver interface takes one by one. */
  record VolumeOnNode(String handle, String node) {}

  /** The arguments of expand. */
  record NewSize(String handle, long sizeBytes) {}

  // Requests: the call's "args".

  static final Codec<ProvisionRequest, JsonObject> PROVISION_REQUEST = new Codec<>(
      r -> {
        JsonObject j = new JsonObject().put("uid", r.uid()).put("name", r.name()).put("namespace", r.namespace())
            .put("sizeBytes", r.sizeBytes()).put("accessMode", r.accessMode())
            .put("parameters", strings(r.parameters())).put("topology", strings(r.topology()))
            .put("deadline", r.deadline() == null ? null : r.deadline().toString());
        // Absent when none is asked for: the request then reads as it did before ownership existed.
        return r.ownership() == null ? j : j.put("ownership", ownership(r.ownership()));
      },
      j -> new ProvisionRequest(j.getString("uid"), j.getString("name"), j.getString("namespace"),
          j.getLong("sizeBytes", 0L), j.getString("accessMode"), strings(j.getJsonObject("parameters")),
          strings(j.getJsonObject("topology")), j.getString("deadline") == null ? null
              : Instant.parse(j.getString("deadline")), ownership(j.getJsonObject("ownership"))));

  static final Codec<MountRequest, JsonObject> MOUNT_REQUEST = new Codec<>(
      r -> new JsonObject().put("handle", r.handle()).put("node", r.node()).put("device", r.device())
          .put("target", r.target()).put("readOnly", r.readOnly()).put("fsType", r.fsType()),
      j -> new MountRequest(j.getString("handle"), j.getString("node"), j.getString("device"),
          j.getString("target"), j.getBoolean("readOnly", false), j.getString("fsType")));

  static final Codec<SnapshotRequest, JsonObject> SNAPSHOT_REQUEST = new Codec<>(
      r -> new JsonObject().put("volumeHandle", r.volumeHandle()).put("snapshotUid", r.snapshotUid())
          .put("snapshotName", r.snapshotName()).put("namespace", r.namespace()),
      j -> new SnapshotRequest(j.getString("volumeHandle"), j.getString("snapshotUid"),
          j.getString("snapshotName"), j.getString("namespace")));

  static final Codec<RestoreRequest, JsonObject> RESTORE_REQUEST = new Codec<>(
      r -> new JsonObject().put("snapshotHandle", r.snapshotHandle())
          .put("volume", PROVISION_REQUEST.write(r.volume())),
      j -> new RestoreRequest(j.getString("snapshotHandle"), PROVISION_REQUEST.read(j.getJsonObject("volume"))));

  static final Codec<VolumeOnNode, JsonObject> VOLUME_ON_NODE = new Codec<>(
      r -> new JsonObject().put("handle", r.handle()).put("node", r.node()),
      j -> new VolumeOnNode(j.getString("handle"), j.getString("node")));

  static final Codec<NewSize, JsonObject> NEW_SIZE = new Codec<>(
      r -> new JsonObject().put("handle", r.handle()).put("sizeBytes", r.sizeBytes()),
      j -> new NewSize(j.getString("handle"), j.getLong("sizeBytes", 0L)));

  /** A request that is one string: {@code {"<field>": value}}. */
  static Codec<String, JsonObject> field(String field) {
    return new Codec<>(value -> new JsonObject().put(field, value), j -> j.getString(field));
  }

  // Results: the reply's "result".

  static final Codec<Void, Object> NOTHING = new Codec<>(none -> null, wire -> null);

  static final Codec<String, Object> TEXT = new Codec<>(text -> text, String.class::cast);

  static final Codec<ProvisionedVolume, Object> PROVISIONED = new Codec<>(
      v -> new JsonObject().put("handle", v.handle()).put("topology", strings(v.topology())),
      wire -> {
        JsonObject j = (JsonObject) wire;
        return new ProvisionedVolume(j.getString("handle"), strings(j.getJsonObject("topology")));
      });

  /** A node of an older build answers the bare handle, with no method. */
  static final Codec<MadeSnapshot, Object> MADE_SNAPSHOT = new Codec<>(
      m -> new JsonObject().put("handle", m.handle()).put("method", m.method()),
      wire -> wire instanceof String handle ? new MadeSnapshot(handle, null)
          : new MadeSnapshot(((JsonObject) wire).getString("handle"), ((JsonObject) wire).getString("method")));

  static final Codec<VolumeUsage, Object> VOLUME_USAGE = new Codec<>(
      u -> {
        JsonObject j = new JsonObject().put("usedBytes", u.usedBytes()).put("capacityBytes", u.capacityBytes());
        return u.enforcement() == null ? j : j.put("enforcement", u.enforcement());
      },
      wire -> {
        JsonObject j = (JsonObject) wire;
        return new VolumeUsage(j.getLong("usedBytes", 0L), j.getLong("capacityBytes", 0L),
            j.getString("enforcement"));
      });

  // Progress reports: sent one way to the call's ctx.progressAddress.

  /** How far a long operation is, as a driver reports it to {@link io.rune.storage.driver.Progress}. */
  record ProgressReport(long bytesDone, long bytesTotal) {}

  static final Codec<ProgressReport, JsonObject> PROGRESS_REPORT = new Codec<>(
      r -> new JsonObject().put("bytesDone", r.bytesDone()).put("bytesTotal", r.bytesTotal()),
      j -> new ProgressReport(j.getLong("bytesDone", 0L), j.getLong("bytesTotal", 0L)));

  /** Only the parts asked for, as on the volume. */
  private static JsonObject ownership(VolumeOwnership ownership) {
    JsonObject j = new JsonObject();
    if (ownership.fsUser() != null) {
      j.put("fsUser", ownership.fsUser());
    }
    if (ownership.fsGroup() != null) {
      j.put("fsGroup", ownership.fsGroup());
    }
    return ownership.fsMode() == null ? j : j.put("fsMode", ownership.fsMode());
  }

  private static VolumeOwnership ownership(JsonObject json) {
    return json == null ? null
        : VolumeOwnership.of(json.getLong("fsUser"), json.getLong("fsGroup"), json.getString("fsMode"));
  }

  private static JsonObject strings(Map<String, String> map) {
    return new JsonObject(new HashMap<String, Object>(map));
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> map = new HashMap<>();
    if (json != null) {
      json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return map;
  }
}
