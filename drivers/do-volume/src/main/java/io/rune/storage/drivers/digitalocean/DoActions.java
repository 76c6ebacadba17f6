package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * Volume actions (attach, detach, resize): posted, then polled until DigitalOcean says
 * completed or errored. An errored action fails the call instead of passing for done,
 * and the answers that mean "already so" count as success, so every call is idempotent.
 */
final class DoActions {
  private static final int PAGE = 200;
  private final Vertx vertx;
  private final DoApi api;
  private final DoVolumeSettings settings;

  DoActions(Vertx vertx, DoApi api, DoVolumeSettings settings) {
    this.vertx = vertx;
    this.api = api;
    this.settings = settings;
  }

  Future<Void> attach(DoToken token, String volumeId, long dropletId, String region) {
    JsonObject body = new JsonObject().put("type", "attach").put("droplet_id", dropletId).put("region", region);
    return api.post(token, "/v2/volumes/" + volumeId + "/actions", body).compose(answer -> {
      if (answer.status() == 422 && said(answer, "already attached")) {
        return Future.succeededFuture(); // attached before: the state asked for
      }
      if (answer.status() == 404) {
        return DoFaults.failed(DriverError.NOT_FOUND, DoFaults.NOT_FOUND, "DigitalOcean has no volume "
            + volumeId + " or droplet " + dropletId + ": " + answer.message());
      }
      return followed(token, volumeId, answer, "attach of volume " + volumeId + " to droplet " + dropletId);
    });
  }

  Future<Void> detach(DoToken token, String volumeId, long dropletId, String region) {
    JsonObject body = new JsonObject().put("type", "detach").put("droplet_id", dropletId).put("region", region);
    return api.post(token, "/v2/volumes/" + volumeId + "/actions", body).compose(answer -> {
      if (answer.status() == 404 || (answer.status() == 422 && said(answer, "attachment not found"))) {
        return Future.succeededFuture(); // not attached (any more): the state asked for
      }
      return followed(token, volumeId, answer, "detach of volume " + volumeId + " from droplet " + dropletId);
    });
  }

  /** Posts the resize (size_gigabytes in region) and follows it; 404 and 422 (shrinking) blame this volume. */
  Future<Void> resize(DoToken token, String volumeId, long sizeGigabytes, String region) {
    JsonObject body = new JsonObject().put("type", "resize").put("size_gigabytes", sizeGigabytes).put("region", region);
    return api.post(token, "/v2/volumes/" + volumeId + "/actions", body)
        .compose(answer -> followed(token, volumeId, answer, "resize of volume " + volumeId + " to "
            + sizeGigabytes + " GiB"));
  }

  /**
   * Follows a resize of the volume still in progress (one a timed-out call started), so that
   * a retry does not post a second one; true when there was one to follow.
   */
  Future<Boolean> awaitRunningResize(DoToken token, String volumeId) {
    return api.get(token, "/v2/volumes/" + volumeId + "/actions?per_page=" + PAGE).compose(answer -> {
      if (!answer.ok()) {
        return DoFaults.refused("listing the actions of volume " + volumeId, answer);
      }
      for (Object listed : answer.body().getJsonArray("actions", new JsonArray())) {
        JsonObject action = (JsonObject) listed;
        if ("resize_volume".equals(action.getString("type")) && "in-progress".equals(action.getString("status"))) {
          return poll(token, volumeId, action, "resize of volume " + volumeId + " (started earlier)",
              Instant.now().plus(settings.actionTimeout())).map(true);
        }
      }
      return Future.succeededFuture(false);
    });
  }

  /** Classifies the answer to the POST, then polls the action it started. */
  private Future<Void> followed(DoToken token, String volumeId, DoApi.Response answer, String what) {
    if (answer.status() == 422 && said(answer, "pending event")) {
      return DoFaults.failed(DriverError.TRANSIENT, DoFaults.DROPLET_BUSY, what + " must wait: " + answer.message()
          + " (retried after the droplet's current event)");
    }
    if (answer.status() == 422 && (said(answer, "cannot attach more volumes") || said(answer, "maximum"))) {
      return DoFaults.failed(DriverError.PERMANENT, DoFaults.REFUSED, what + " is refused: the droplet has"
          + " as many volumes as DigitalOcean allows (" + answer.message() + "); detach one or use another droplet");
    }
    if (answer.status() == 403) {
      return DoFaults.failed(DriverError.PERMANENT, DoFaults.CAPACITY, what + " is refused: " + answer.message()
          + " (raise the account's limit or delete unused volumes)");
    }
    if (!answer.ok()) {
      return DoFaults.refused(what, answer);
    }
    JsonObject action = answer.body().getJsonObject("action", new JsonObject());
    return poll(token, volumeId, action, what, Instant.now().plus(settings.actionTimeout()));
  }

  /**
   * Polls until the action ends. An action that errors or outlasts actionTimeout is a fault
   * of this volume's action (retried on the volume's own schedule), not of the whole
   * backend: polling itself failing (5xx, timeouts) is the backend's.
   */
  private Future<Void> poll(DoToken token, String volumeId, JsonObject action, String what, Instant giveUp) {
    String status = action.getString("status", "");
    if (status.equals("completed")) {
      return Future.succeededFuture();
    }
    if (status.equals("errored")) {
      return DoFaults.failed(DriverError.TRANSIENT, DoFaults.ACTION_ERRORED, what + " ended errored at"
          + " DigitalOcean (action " + action.getValue("id") + "); it is tried again");
    }
    if (Instant.now().isAfter(giveUp)) {
      return DoFaults.failed(DriverError.TRANSIENT, DoFaults.ACTION_RUNNING, what + " is still " + status
          + " after " + settings.actionTimeout().toSeconds() + "s (action " + action.getValue("id")
          + "); followed again on the next attempt");
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(settings.actionPollInterval().toMillis(), id -> later.complete());
    return later.future()
        .compose(v -> api.get(token, "/v2/volumes/" + volumeId + "/actions/" + action.getValue("id")))
        .compose(answer -> answer.ok()
            ? poll(token, volumeId, answer.body().getJsonObject("action", new JsonObject()), what, giveUp)
            : DoFaults.refused("following " + what, answer));
  }

  private static boolean said(DoApi.Response answer, String words) {
    return answer.message().toLowerCase(Locale.ROOT).contains(words);
  }
}
