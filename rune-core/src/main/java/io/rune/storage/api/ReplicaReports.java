package io.rune.storage.api;

import io.rune.storage.model.ReplicaStatus;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.model.PhaseField;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What the runner (which starts containers, outside this project) tells about a replica:
 * {@code POST …/services/{name}/replicas/{ordinal}/report {phase: "Failed", message: …}}.
 * A failed replica's volumes are released by the service controller, which then places the
 * replica again; it binds its own volumes back.
 */
final class ReplicaReports {
  private final Store store;

  ReplicaReports(Store store) {
    this.store = store;
  }

  Future<ApiObject> report(Principal principal, String namespace, String service, String ordinalText,
      JsonObject body) {
    return Resources.attempt(() -> {
      principal.checkWrite(Kind.SERVICE, namespace);
      int ordinal;
      try {
        ordinal = Integer.parseInt(ordinalText);
      } catch (NumberFormatException e) {
        throw ApiException.malformedRequest("ordinal", "the replica ordinal must be a number, not '" + ordinalText + "'");
      }
      JsonObject report = body == null ? new JsonObject() : body;
      for (String field : report.fieldNames()) {
        if (!field.equals(PhaseField.NAME) && !field.equals("message")) {
          throw ApiException.malformed("unknown field '" + field + "'; a report has phase and message", field);
        }
      }
      if (!ServiceStatus.ReplicaPhase.Failed.name().equals(report.getValue(PhaseField.NAME))) {
        throw ApiException.invalid(PhaseField.NAME, "a runner reports phase Failed (the replica stopped or crashed);"
            + " the server places it again");
      }
      return Resources.untilNotMoved(() -> store.get(Kind.SERVICE, namespace, service).compose(current -> {
        if (current == null) {
          throw Resources.notFound(Kind.SERVICE, namespace, service);
        }
        ServiceStatus status = ServiceStatus.of(current);
        ReplicaStatus reported = status.replicas().stream().filter(r -> r.ordinal() == ordinal).findFirst()
            .orElseThrow(() -> ApiException.notFound("service " + current.key() + " has no replica " + ordinal));
        ReplicaStatus failed = reported.withPhase(ServiceStatus.ReplicaPhase.Failed)
            .withMessage("reported failed: " + report.getString("message", "no reason given"));
        return store.update(current.withStatus(status.withReplicas(status.replicas().stream()
            .map(r -> r == reported ? failed : r).toList()).toJson()));
      }));
    });
  }
}
