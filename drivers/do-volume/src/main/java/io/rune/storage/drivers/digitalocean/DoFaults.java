package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverException.Blame;
import io.vertx.core.Future;

/**
 * What a DigitalOcean failure blames. The backend (5xx, 429, timeouts, refused connections)
 * feeds the breaker of its region and account; an answer about one volume, droplet or name
 * (404, 409, 422, another 4xx, a region that does not match) blames that object only, so a
 * broken volume never stops calls for the healthy ones. Object faults carry a reason word
 * for the volume's status.
 */
final class DoFaults {
  static final String NOT_FOUND = "NotFoundAtDigitalOcean";
  static final String REFUSED = "RefusedByDigitalOcean";
  static final String NAME_TAKEN = "NameTaken";
  static final String REGION_MISMATCH = "RegionMismatch";
  static final String VOLUME_ATTACHED = "VolumeAttached";
  static final String DROPLET_BUSY = "DropletBusy";
  static final String ACTION_ERRORED = "ActionErrored";
  static final String ACTION_RUNNING = "ActionStillRunning";
  static final String CAPACITY = "CapacityLimitExceeded";

  private DoFaults() {}

  /** An answer the caller has no special meaning for, classified by its status alone. */
  static <T> Future<T> refused(String what, DoApi.Response answer) {
    return Future.failedFuture(fault(what, answer));
  }

  static DriverException fault(String what, DoApi.Response answer) {
    int status = answer.status();
    String message = what + " was refused by DigitalOcean (HTTP " + status
        + (answer.errorId().isEmpty() ? "" : " " + answer.errorId()) + "): " + answer.message();
    if (status == 429 || status >= 500) {
      return new DriverException(DriverError.TRANSIENT, Blame.BACKEND, null, message, null);
    }
    if (status == 404) {
      return DriverException.objectFault(DriverError.NOT_FOUND, NOT_FOUND, message);
    }
    return DriverException.objectFault(DriverError.PERMANENT, REFUSED, message);
  }

  /** A fault of one volume (or droplet, or name), never counted by the breaker, as a failed future. */
  static <T> Future<T> failed(DriverError error, String reason, String message) {
    return Future.failedFuture(DriverException.objectFault(error, reason, message));
  }
}
