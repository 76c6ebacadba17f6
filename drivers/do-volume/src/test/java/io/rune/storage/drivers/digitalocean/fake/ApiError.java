package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.Reply;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * An error as DigitalOcean answers it: a status and the body {"id","message","request_id"}.
 * The messages are the real ones where the facts page, the spec or a recorded real answer
 * gives them; the others say so where they are made.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final ApiError NOT_FOUND = new ApiError(404, "not_found", "The resource you requested could not be found.");
  static final ApiError UNAUTHORIZED = new ApiError(401, "unauthorized", "Unable to authenticate you");
  static final ApiError TOO_MANY_REQUESTS = new ApiError(429, "too_many_requests", "API rate limit exceeded.");
  static final ApiError SERVER_ERROR = new ApiError(500, "server_error", "Unexpected server-side error");
  /** Not in the spec or the facts page: the wording of DigitalOcean's status page for an outage. */
  static final ApiError SERVICE_UNAVAILABLE = new ApiError(503, "service_unavailable",
      "The service is temporarily unavailable. Please try again later.");
  /** A volume or snapshot name already taken (a recorded real answer to a volume create: id and message). */
  static final ApiError NAME_TAKEN = new ApiError(409, "already_exists", "already exists");
  static final ApiError ATTACHED_VOLUME_CANNOT_BE_DELETED = new ApiError(409, "conflict",
      "A volume that's attached to a Droplet cannot be deleted. Please detach it first before deleting.");
  static final ApiError CAPACITY_LIMIT = new ApiError(403, "forbidden", "volume/snapshot capacity limit exceeded");
  static final ApiError ALREADY_ATTACHED = unprocessable("This volume is already attached");
  static final ApiError ATTACHMENT_NOT_FOUND = unprocessable("Attachment not found");
  static final ApiError PENDING_EVENT = unprocessable("Droplet already has a pending event.");

  private final int status;
  private final String id;

  /** Without a stack trace: an answer, not a failure, so one instance may be thrown again and again. */
  ApiError(int status, String id, String message) {
    super(message, null, false, false);
    this.status = status;
    this.id = id;
  }

  static ApiError unprocessable(String message) {
    return new ApiError(422, "unprocessable_entity", message);
  }

  int status() {
    return status;
  }

  String id() {
    return id;
  }

  Reply toReply() {
    return Reply.json(status, new JsonObject()
        .put("id", id)
        .put("message", getMessage())
        .put("request_id", UUID.randomUUID().toString()));
  }
}
