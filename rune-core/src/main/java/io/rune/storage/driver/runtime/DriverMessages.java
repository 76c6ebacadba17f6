package io.rune.storage.driver.runtime;

import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.VolumeUsage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The JSON of driver calls on the event bus: what {@link RemoteDriver} sends and
 * {@link DriverVerticle} reads. Written out by hand so that the wire form is plain JSON a
 * driver in another process (or language) could answer, with no codec to register.
 */
final class DriverMessages {
  static final String OP = "op";

  private DriverMessages() {}

  static JsonObject provisionRequest(ProvisionRequest r) {
    return new JsonObject().put("uid", r.uid()).put("name", r.name()).put("namespace", r.namespace())
        .put("sizeBytes", r.sizeBytes()).put("accessMode", r.accessMode())
        .put("parameters", strings(r.parameters())).put("topology", strings(r.topology()))
        .put("deadline", r.deadline() == null ? null : r.deadline().toString());
  }

  static ProvisionRequest provisionRequest(JsonObject j) {
    String deadline = j.getString("deadline");
    return new ProvisionRequest(j.getString("uid"), j.getString("name"), j.getString("namespace"),
        j.getLong("sizeBytes", 0L), j.getString("accessMode"), strings(j.getJsonObject("parameters")),
        strings(j.getJsonObject("topology")), deadline == null ? null : Instant.parse(deadline));
  }

  static JsonObject provisioned(ProvisionedVolume v) {
    return new JsonObject().put("handle", v.handle()).put("topology", strings(v.topology()));
  }

  static ProvisionedVolume provisioned(JsonObject j) {
    return new ProvisionedVolume(j.getString("handle"), strings(j.getJsonObject("topology")));
  }

  static JsonObject mountRequest(MountRequest r) {
    return new JsonObject().put("handle", r.handle()).put("node", r.node()).put("device", r.device())
        .put("target", r.target()).put("readOnly", r.readOnly()).put("fsType", r.fsType());
  }

  static MountRequest mountRequest(JsonObject j) {
    return new MountRequest(j.getString("handle"), j.getString("node"), j.getString("device"),
        j.getString("target"), j.getBoolean("readOnly", false), j.getString("fsType"));
  }

  static JsonObject snapshotRequest(SnapshotRequest r) {
    return new JsonObject().put("volumeHandle", r.volumeHandle()).put("snapshotUid", r.snapshotUid())
        .put("snapshotName", r.snapshotName()).put("namespace", r.namespace());
  }

  static SnapshotRequest snapshotRequest(JsonObject j) {
    return new SnapshotRequest(j.getString("volumeHandle"), j.getString("snapshotUid"),
        j.getString("snapshotName"), j.getString("namespace"));
  }

  static JsonObject restoreRequest(RestoreRequest r) {
    return new JsonObject().put("snapshotHandle", r.snapshotHandle()).put("volume", provisionRequest(r.volume()));
  }

  static RestoreRequest restoreRequest(JsonObject j) {
    return new RestoreRequest(j.getString("snapshotHandle"), provisionRequest(j.getJsonObject("volume")));
  }

  static JsonObject usage(VolumeUsage u) {
    return new JsonObject().put("usedBytes", u.usedBytes()).put("capacityBytes", u.capacityBytes());
  }

  static VolumeUsage usage(JsonObject j) {
    return new VolumeUsage(j.getLong("usedBytes", 0L), j.getLong("capacityBytes", 0L));
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
