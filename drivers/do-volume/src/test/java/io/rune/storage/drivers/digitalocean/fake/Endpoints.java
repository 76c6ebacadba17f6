package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.Reply;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import io.rune.storage.drivers.digitalocean.fake.RequestPipeline.Call;
import io.rune.storage.drivers.digitalocean.fake.RequestPipeline.Endpoint;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * Every operation of the reference OpenAPI file, answering from the {@link FakeCloud}. The
 * request has passed the contract when an endpoint sees it, so a body has the fields and
 * types the schema asks for; what the schema leaves open (a resize without a size passes as
 * an attach) is checked here.
 */
final class Endpoints {

  /** Where endpoints are mounted: a method, a Vert.x Web path and the operationId of the contract. */
  @FunctionalInterface
  interface Routes {
    void add(HttpMethod method, String path, String operationId, Endpoint endpoint);
  }

  private final FakeCloud cloud;

  Endpoints(FakeCloud cloud) {
    this.cloud = cloud;
  }

  /** Mounts them all; fixed paths before the ones with a parameter in the same place. */
  void mount(Routes routes) {
    routes.add(GET, "/v2/volumes", "volumes_list", this::listVolumes);
    routes.add(POST, "/v2/volumes", "volumes_create", this::createVolume);
    routes.add(DELETE, "/v2/volumes", "volumes_delete_byName", this::deleteVolumeByName);
    routes.add(POST, "/v2/volumes/actions", "volumeActions_post", this::startActionByName);
    routes.add(GET, "/v2/volumes/snapshots/:snapshot_id", "volumeSnapshots_get_byId", this::getSnapshot);
    routes.add(DELETE, "/v2/volumes/snapshots/:snapshot_id", "volumeSnapshots_delete_byId", this::deleteSnapshot);
    routes.add(GET, "/v2/volumes/:volume_id", "volumes_get", this::getVolume);
    routes.add(DELETE, "/v2/volumes/:volume_id", "volumes_delete", this::deleteVolume);
    routes.add(GET, "/v2/volumes/:volume_id/actions", "volumeActions_list", this::listActions);
    routes.add(POST, "/v2/volumes/:volume_id/actions", "volumeActions_post_byId", this::startAction);
    routes.add(GET, "/v2/volumes/:volume_id/actions/:action_id", "volumeActions_get", this::getAction);
    routes.add(GET, "/v2/volumes/:volume_id/snapshots", "volumeSnapshots_list", this::listVolumeSnapshots);
    routes.add(POST, "/v2/volumes/:volume_id/snapshots", "volumeSnapshots_create", this::createSnapshot);
    routes.add(GET, "/v2/snapshots", "snapshots_list", this::listSnapshots);
    routes.add(GET, "/v2/snapshots/:snapshot_id", "snapshots_get", this::getSnapshot);
    routes.add(DELETE, "/v2/snapshots/:snapshot_id", "snapshots_delete", this::deleteSnapshot);
  }

  private Reply listVolumes(Call call) {
    List<DoVolume> volumes = cloud.listed(call.query("name"), call.query("region"));
    return Reply.json(200, DoJson.page("volumes", volumes, DoJson::volume, call.base(), call.path(), call.query()));
  }

  private Reply createVolume(Call call) {
    JsonObject body = call.body();
    DoVolume volume = cloud.createVolume(new FakeCloud.VolumeRequest(
        body.getString("name"),
        body.getString("region"),
        body.getLong("size_gigabytes"),
        text(body, "description"),
        text(body, "snapshot_id"),
        text(body, "filesystem_type"),
        text(body, "filesystem_label"),
        Objects.requireNonNullElse(tags(body), List.of())));
    return Reply.json(201, new JsonObject().put("volume", DoJson.volume(volume)));
  }

  private Reply getVolume(Call call) {
    return Reply.json(200, new JsonObject().put("volume", DoJson.volume(cloud.volume(volumeId(call)))));
  }

  private Reply deleteVolume(Call call) {
    cloud.deleteVolume(volumeId(call));
    return Reply.noContent();
  }

  private Reply deleteVolumeByName(Call call) {
    String name = call.query("name");
    String region = call.query("region");
    if (name == null || region == null) {
      throw ApiError.unprocessable("Deleting a volume by name needs both the name and the region query parameters");
    }
    cloud.deleteVolume(name, region);
    return Reply.noContent();
  }

  private Reply startAction(Call call) {
    JsonObject body = call.body();
    String type = body.getString("type");
    DoAction action = switch (type) {
      case "attach" -> cloud.attach(volumeId(call), requiredLong(body, "droplet_id"), call.actionFault());
      case "detach" -> cloud.detach(volumeId(call), requiredLong(body, "droplet_id"), call.actionFault());
      default -> cloud.resize(volumeId(call), requiredLong(body, "size_gigabytes"), body.getString("region"),
          call.actionFault());
    };
    return actionReply(202, action);
  }

  private Reply startActionByName(Call call) {
    JsonObject body = call.body();
    String name = body.getString("volume_name");
    if (name == null || name.isEmpty()) {
      throw ApiError.unprocessable("volume_name is required to act on a volume by name");
    }
    long dropletId = requiredLong(body, "droplet_id");
    String volumeId = cloud.volumeId(name, body.getString("region"), dropletId);
    DoAction action = switch (body.getString("type")) {
      case "attach" -> cloud.attach(volumeId, dropletId, call.actionFault());
      case "detach" -> cloud.detach(volumeId, dropletId, call.actionFault());
      default -> throw ApiError.unprocessable("Only attach and detach act on a volume by name; resize needs its id");
    };
    return actionReply(202, action);
  }

  private Reply listActions(Call call) {
    List<DoAction> actions = cloud.actions(volumeId(call));
    return Reply.json(200, DoJson.page("actions", actions, DoJson::action, call.base(), call.path(), call.query()));
  }

  private Reply getAction(Call call) {
    return actionReply(200, cloud.pollAction(volumeId(call), Long.parseLong(call.pathParams().get("action_id"))));
  }

  private static Reply actionReply(int status, DoAction action) {
    return Reply.json(status, new JsonObject().put("action", DoJson.action(action)));
  }

  private Reply listVolumeSnapshots(Call call) {
    List<DoSnapshot> snapshots = cloud.snapshots(volumeId(call));
    return snapshotPage(call, snapshots);
  }

  private Reply createSnapshot(Call call) {
    DoSnapshot snapshot = cloud.createSnapshot(volumeId(call), call.body().getString("name"), tags(call.body()));
    return Reply.json(201, new JsonObject().put("snapshot", DoJson.snapshot(snapshot)));
  }

  /** All snapshots of the account: the fake holds volume snapshots only, so resource_type=droplet lists none. */
  private Reply listSnapshots(Call call) {
    boolean dropletsOnly = "droplet".equals(call.query("resource_type"));
    return snapshotPage(call, dropletsOnly ? List.of() : cloud.snapshots(null));
  }

  private static Reply snapshotPage(Call call, List<DoSnapshot> snapshots) {
    return Reply.json(200, DoJson.page("snapshots", snapshots, DoJson::snapshot, call.base(), call.path(),
        call.query()));
  }

  private Reply getSnapshot(Call call) {
    DoSnapshot snapshot = cloud.snapshot(call.pathParams().get("snapshot_id"));
    return Reply.json(200, new JsonObject().put("snapshot", DoJson.snapshot(snapshot)));
  }

  private Reply deleteSnapshot(Call call) {
    cloud.deleteSnapshot(call.pathParams().get("snapshot_id"));
    return Reply.noContent();
  }

  private static String volumeId(Call call) {
    return call.pathParams().get("volume_id");
  }

  /** A text field; godo sends "" or null for the ones not set. */
  private static String text(JsonObject body, String field) {
    String value = body.getString(field);
    return value == null ? "" : value;
  }

  private static List<String> tags(JsonObject body) {
    JsonArray tags = body.getJsonArray("tags");
    return tags == null ? null : tags.stream().map(String::valueOf).toList();
  }

  private static long requiredLong(JsonObject body, String field) {
    Long value = body.getLong(field);
    if (value == null) {
      throw ApiError.unprocessable(field + " is required for a " + body.getString("type") + " action");
    }
    return value;
  }
}
