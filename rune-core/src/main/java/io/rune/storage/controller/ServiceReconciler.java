package io.rune.storage.controller;

import static io.rune.storage.model.ServiceStatus.ReplicaPhase.Failed;
import static io.rune.storage.model.ServiceStatus.ReplicaPhase.Pending;
import static io.rune.storage.model.ServiceStatus.ReplicaPhase.Ready;

import io.rune.storage.api.ApiException;
import io.rune.storage.api.Principal;
import io.rune.storage.api.Resources;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.ReplicaStatus;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.ListQuery;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Service's replicas {@code <service>-0 … <service>-(scale-1)} placed, each with its
 * volumes bound and mounted: a {@code claim} is one existing volume for every replica, a
 * {@code claimTemplate} is the replica's own volume {@code <volume>-<service>-<ordinal>},
 * made on first need and labelled with its owner. Replicas above the scale, and replicas the
 * runner reported failed, release their volumes (Released: they keep their data, and the
 * same replica binds them again). Deleting releases everything; with cascade the owned
 * volumes are deleted (each through its reclaim policy) before the row goes. A larger size in
 * a claimTemplate grows the replicas' volumes one at a time ({@link TemplateGrowth}).
 */
final class ServiceReconciler implements Reconciler {
  static final String OWNER_LABEL = "rune.io/owner-service";
  private static final Logger log = LoggerFactory.getLogger(ServiceReconciler.class);
  private static final Duration WHILE_WAITING = Duration.ofSeconds(1);
  private static final String MOUNT_FAILED = "MountFailed";
  /** Stands for the host path of a bind that failed, its cause already noted (no path is ever empty). */
  private static final String REFUSED = "";

  private final Store store;
  private final Resources resources;
  private final VolumeBinder binder;
  private final StatusWrites writes;
  private final String localNode;
  private final AttemptCycle cycle;
  private final TemplateGrowth growth;

  ServiceReconciler(Store store, StatusWrites writes, Resources resources, VolumeBinder binder, String localNode,
      AttemptCycle cycle) {
    this.store = store;
    this.resources = resources;
    this.binder = binder;
    this.writes = writes;
    this.localNode = localNode;
    this.cycle = cycle;
    this.growth = new TemplateGrowth(store, resources);
  }

  @Override
  public Future<Outcome> reconcile(ObjectKey key) {
    return store.get(Kind.SERVICE, key.namespace(), key.name())
        .compose(service -> service == null ? Future.succeededFuture(Outcome.DONE)
            : ServiceStatus.of(service).deleting() ? finish(service) : converge(service))
        .recover(err -> err instanceof StatusWrites.Moved ? Future.succeededFuture(Outcome.againNow())
            // A deletion whose release waits for the next detach attempt (the volume says why).
            : err instanceof VolumeBinder.DetachPending pending ? Future.succeededFuture(Outcome.again(pending.wait))
            : Future.failedFuture(err));
  }

  private Future<Outcome> converge(ApiObject service) {
    int scale = service.spec().getInteger("scale", 0);
    ServiceStatus status = ServiceStatus.of(service);
    Map<Integer, ReplicaStatus> replicas = replicasOf(status);
    List<ReplicaStatus> leaving = replicas.values().stream()
        .filter(r -> r.ordinal() >= scale || r.phase() == Failed).toList();
    List<ReplicaStatus> placed = new ArrayList<>();
    // A replica whose release waits for its next detach attempt stays, saying so.
    List<ReplicaStatus> stillLeaving = new ArrayList<>();
    return sequentially(leaving, replica -> release(service, replica).recover(err -> {
      if (!(err instanceof VolumeBinder.DetachPending pending)) {
        return Future.failedFuture(err);
      }
      // A failed replica stays Failed (so the next look releases it again); one above the scale, Pending.
      ReplicaStatus waiting = replica.phase() == Failed ? replica : replica.withPhase(Pending);
      stillLeaving.add(waiting.withMessage("releasing: " + err.getMessage())
          .withNextAttemptAt(Instant.now().plus(pending.wait)));
      return Future.succeededFuture();
    }))
        .compose(v -> {
          List<Integer> ordinals = new ArrayList<>();
          for (int i = 0; i < scale; i++) {
            int ordinal = i;
            if (stillLeaving.stream().noneMatch(r -> r.ordinal() == ordinal)) {
              ordinals.add(i); // a failed replica is placed again once its volumes are released
            }
          }
          return sequentially(ordinals, ordinal -> place(service, replicas.get(ordinal), ordinal).map(replica -> {
            placed.add(replica);
            return null;
          }));
        })
        .compose(v -> growth.step(service, scale))
        .compose(growing -> {
          // What a claimTemplate's growth is doing, in the replica whose volume it is.
          placed.replaceAll(r -> {
            String note = growing.get(r.ordinal());
            String message = r.message() != null ? r.message() : "";
            return note == null || message.contains(note) ? r
                : r.withMessage(r.message() != null ? message + "; " + note : note);
          });
          placed.addAll(stillLeaving);
          placed.sort(java.util.Comparator.comparingInt(ReplicaStatus::ordinal));
          boolean ready = placed.stream().allMatch(r -> r.phase() == Ready);
          Outcome outcome = ready ? Outcome.DONE : Outcome.again(nextLook(placed));
          if (placed.equals(status.replicas())) {
            return Future.succeededFuture(outcome);
          }
          return writes.writeService(service, s -> s.withReplicas(placed)
              .withReadyReplicas((int) placed.stream().filter(r -> r.phase() == Ready).count()))
              .map(written -> outcome);
        });
  }

  /**
   * Binds and mounts each of the replica's volumes; Ready when all are mounted. A replica
   * whose mount the driver refused is Pending with reason MountFailed, and is tried again
   * only when its backoff ({@code nextAttemptAt}) is over, whatever wakes the service.
   */
  private Future<ReplicaStatus> place(ApiObject service, ReplicaStatus previous, int ordinal) {
    if (previous != null && previous.phase() == Pending && untilNextAttempt(previous) > 0) {
      return Future.succeededFuture(previous);
    }
    String instance = service.name() + "-" + ordinal;
    String claim = service.namespace() + "/" + instance;
    JsonArray mounts = new JsonArray();
    List<String> waiting = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    // The first cause in one word (a driver's HostPathBlocked, a missing class), for status.replicas[].reason.
    String[] reason = {null};
    String[] node = {previous != null ? previous.node() : null};
    List<JsonObject> entries = entries(service);
    return sequentially(entries, entry -> {
      ObjectKey key = volumeKey(service, entry, ordinal);
      return store.get(Kind.VOLUME, key.namespace(), key.name()).compose(volume -> {
        if (volume == null) {
          waiting.add("volume " + key + (entry.containsKey("claimTemplate") ? " is being created" : " does not exist"));
          return entry.containsKey("claimTemplate") ? createOwned(service, entry, key) : Future.succeededFuture();
        }
        VolumeStatus status = VolumeStatus.of(volume);
        if (node[0] == null) {
          node[0] = status.node() != null ? status.node() : localNode;
        }
        boolean readOnly = entry.getBoolean("readOnly", false)
            || "ReadOnlyMany".equals(volume.spec().getString("accessMode"));
        String target = binder.mountTarget(service.namespace(), instance, entry.getString("name"));
        String mounted = mountedBefore(previous, entry.getString("name"), volume, claim);
        Future<String> bound = mounted != null ? Future.succeededFuture(mounted)
            : binder.bind(volume, claim, node[0], target, readOnly).recover(err -> {
              if (err instanceof VolumeBinder.MountRefused refusal) {
                refused.add(err.getMessage());
                if (reason[0] == null && refusal.getCause() instanceof io.rune.storage.driver.DriverException cause
                    && cause.reason() != null) {
                  reason[0] = cause.reason();
                }
                return Future.succeededFuture(REFUSED);
              }
              if (err instanceof VolumeTargets.Unresolvable missing) {
                // The volume cannot be placed (its class or driver is gone): the replica says so.
                waiting.add("volume " + key + " cannot be mounted: " + missing.getMessage());
                reason[0] = reason[0] == null ? missing.reason : reason[0];
                return Future.succeededFuture(REFUSED);
              }
              return Future.failedFuture(err);
            });
        return bound.map(hostPath -> {
          if (REFUSED.equals(hostPath)) {
            return null;
          }
          if (hostPath == null && status.detachRequested()) {
            waiting.add("volume " + key + " was force-detached by an operator and is not bound again"
                + " (delete it, or give the service another volume)");
          } else if (hostPath == null) {
            waiting.add("volume " + key + " is " + status.phase()
                + (status.phase() == VolumeStatus.Phase.Bound ? " to " + status.boundClaim() : ""));
          } else {
            JsonObject mount = new JsonObject().put("volume", entry.getString("name")).put("volumeName", key.name())
                .put("hostPath", hostPath).put("mountPath", entry.getString("mountPath")).put("readOnly", readOnly);
            if (entry.getString("subPath") != null) {
              mount.put("subPath", entry.getString("subPath"));
            }
            mounts.add(mount);
          }
          return null;
        });
      });
    }).map(v -> {
      ReplicaStatus replica = new ReplicaStatus(ordinal, instance, node[0] != null ? node[0] : localNode,
          waiting.isEmpty() ? Ready : Pending, reason[0],
          waiting.isEmpty() ? null : "waiting: " + String.join("; ", waiting), mounts, null, null, null);
      return refused.isEmpty() ? replica : refusedMount(claim, replica, previous, refused);
    });
  }

  /**
   * The replica with the driver's refusal (reason: the driver's word, else MountFailed), the
   * attempts so far and when the next one is, on the attempt cycle's backoff. A replica keeps
   * trying (at the cap once there): nothing else would place it.
   */
  private ReplicaStatus refusedMount(String claim, ReplicaStatus replica, ReplicaStatus previous,
      List<String> refused) {
    int attempts = (previous != null && previous.nextAttemptAt() != null && previous.mountAttempts() != null
        ? previous.mountAttempts() : 0) + 1;
    Duration wait = cycle.backoff().after(attempts);
    String message = AttemptCycle.Operation.MOUNT.doing + " failed (attempt " + attempts + "): "
        + String.join("; ", refused) + "; next try in " + Backoff.format(wait)
        + (replica.message() != null ? "; " + replica.message() : "");
    log.warn("Replica {}: {}", claim, message);
    return replica.withPhase(Pending).withReason(replica.reason() != null ? replica.reason() : MOUNT_FAILED)
        .withMessage(message).withMountAttempts(attempts).withNextAttemptAt(Instant.now().plus(wait));
  }

  /** How long until a replica that is not Ready should be looked at again. */
  private static Duration nextLook(List<ReplicaStatus> replicas) {
    long millis = replicas.stream().filter(r -> r.phase() != Ready)
        .mapToLong(r -> r.nextAttemptAt() != null ? untilNextAttempt(r) : WHILE_WAITING.toMillis())
        .min().orElse(WHILE_WAITING.toMillis());
    return Duration.ofMillis(Math.max(1, millis));
  }

  private static long untilNextAttempt(ReplicaStatus replica) {
    Instant next = replica.nextAttemptAt();
    return next == null ? 0 : Duration.between(Instant.now(), next).toMillis();
  }

  /**
   * The host path of a mount this replica already had, while its volume is still Bound to
   * it: a resync or a re-run for another volume then costs no driver calls. A bind that a
   * crash cut short left no mount in the replica's status, so it is finished by the driver.
   */
  private static String mountedBefore(ReplicaStatus previous, String volumeName, ApiObject volume, String claim) {
    VolumeStatus status = VolumeStatus.of(volume);
    boolean stillOurs = status.phase() == VolumeStatus.Phase.Bound && !status.detachRequested()
        && (claim.equals(status.boundClaim()) || status.claims().contains(claim));
    if (previous == null || !stillOurs || previous.phase() == Failed || previous.mounts() == null) {
      return null;
    }
    return previous.mounts().stream().map(JsonObject.class::cast)
        .filter(m -> volumeName.equals(m.getString("volume"))).map(m -> m.getString("hostPath"))
        .findFirst().orElse(null);
  }

  /** Unmounts and releases every volume the replica holds. */
  private Future<Void> release(ApiObject service, ReplicaStatus replica) {
    int ordinal = replica.ordinal();
    String instance = service.name() + "-" + ordinal;
    String claim = service.namespace() + "/" + instance;
    return sequentially(entries(service), entry -> {
      ObjectKey key = volumeKey(service, entry, ordinal);
      return store.get(Kind.VOLUME, key.namespace(), key.name()).compose(volume -> volume == null
          ? Future.succeededFuture()
          : binder.release(volume, claim, binder.mountTarget(service.namespace(), instance, entry.getString("name"))));
    });
  }

  /** Deleting: release everything; with cascade, delete the owned volumes; then the row goes. */
  private Future<Outcome> finish(ApiObject service) {
    ServiceStatus status = ServiceStatus.of(service);
    List<ReplicaStatus> replicas = new ArrayList<>(replicasOf(status).values());
    Future<Void> released = sequentially(replicas, replica -> release(service, replica));
    if (!status.cascades()) {
      return released.compose(v -> writes.remove(service)).map(v -> Outcome.DONE);
    }
    return released.compose(v -> ownedVolumes(service)).compose(owned -> {
      if (owned.isEmpty()) {
        return writes.remove(service).map(v -> Outcome.DONE);
      }
      List<Owned> toDelete = owned.stream().filter(v -> !v.status().deleting()).toList();
      return sequentially(toDelete, volume -> resources.delete(Principal.SYSTEM, Kind.VOLUME, service.namespace(),
              volume.name(), false).<Void>mapEmpty().recover(err -> notFound(err) ? Future.succeededFuture()
              : Future.failedFuture(err)))
          .compose(v -> {
            Failpoints.hit(Failpoints.DURING_CASCADE);
            return Future.succeededFuture();
          })
          .compose(v -> status.replicas().isEmpty() ? Future.succeededFuture(service)
              : writes.writeService(service, s -> s.withReplicas(List.of()).withMessage(
                  "deleting " + owned.size() + " owned volume(s) before the service goes")))
          .map(v -> Outcome.again(WHILE_WAITING));
    });
  }

  /** A volume the service owns, as a list page serves it. */
  private record Owned(String name, VolumeStatus status) {}

  private Future<List<Owned>> ownedVolumes(ApiObject service) {
    LabelSelector owner = LabelSelector.parse(OWNER_LABEL + "=" + service.name());
    return store.list(new ListQuery(Kind.VOLUME, Set.of(service.namespace()), owner, 1000, null))
        .map(page -> page.items().stream().map(JsonObject::new)
            .map(v -> new Owned(v.getString("name"), VolumeStatus.from(v.getJsonObject("status")))).toList());
  }

  private Future<Void> createOwned(ApiObject service, JsonObject entry, ObjectKey key) {
    JsonObject template = entry.getJsonObject("claimTemplate");
    JsonObject volume = template.copy().put("name", key.name())
        .put("labels", new JsonObject().put(OWNER_LABEL, service.name()));
    return resources.create(Principal.SYSTEM, Kind.VOLUME, service.namespace(), volume).<Void>mapEmpty()
        .recover(err -> err instanceof ApiException api && api.code().equals("AlreadyExists")
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /**
   * The services a volume change concerns: those whose replicas hold it, and its owner; so
   * that a service reacts to its volumes (provisioned, force-detached) without polling.
   */
  /** The service of a claim {@code <namespace>/<service>-<ordinal>} (see place), or null for another form. */
  static ObjectKey serviceOfClaim(String claim) {
    String[] nsAndInstance = claim.split("/", 2);
    int dash = nsAndInstance.length == 2 ? nsAndInstance[1].lastIndexOf('-') : -1;
    return dash > 0 ? new ObjectKey(nsAndInstance[0], nsAndInstance[1].substring(0, dash)) : null;
  }

  static List<ObjectKey> servicesOf(io.rune.storage.store.Change change) {
    // The change feed carries the object as JSON (as it crosses the event bus): read into the record here.
    VolumeStatus status = VolumeStatus.from(change.object().getJsonObject("status"));
    Set<ObjectKey> services = new java.util.LinkedHashSet<>();
    List<String> claims = new ArrayList<>(status.boundClaims() != null ? status.boundClaims() : List.of());
    for (String single : new String[] {status.boundClaim(), status.lastClaim()}) {
      if (single != null) {
        claims.add(single);
      }
    }
    for (String claim : claims) {
      ObjectKey service = serviceOfClaim(claim);
      if (service != null) {
        services.add(service);
      }
    }
    JsonObject labels = change.object().getJsonObject("labels", new JsonObject());
    if (labels.getString(OWNER_LABEL) != null) {
      services.add(new ObjectKey(change.namespace(), labels.getString(OWNER_LABEL)));
    }
    return List.copyOf(services);
  }

  /** {@code <volume>-<service>-<ordinal>} for a template; the claimed volume (maybe by FQDN) for a claim. */
  static ObjectKey volumeKey(ApiObject service, JsonObject entry, int ordinal) {
    JsonObject claim = entry.getJsonObject("claim");
    if (claim == null) {
      return new ObjectKey(service.namespace(), entry.getString("name") + "-" + service.name() + "-" + ordinal);
    }
    String name = claim.getString("name");
    if (name.endsWith(".rune") && name.split("\\.").length == 3) {
      String[] parts = name.split("\\.");
      return new ObjectKey(parts[1], parts[0]);
    }
    return new ObjectKey(service.namespace(), name);
  }

  private static List<JsonObject> entries(ApiObject service) {
    List<JsonObject> entries = new ArrayList<>();
    service.spec().getJsonArray("volumes", new JsonArray()).forEach(v -> entries.add((JsonObject) v));
    return entries;
  }

  private static Map<Integer, ReplicaStatus> replicasOf(ServiceStatus status) {
    Map<Integer, ReplicaStatus> replicas = new TreeMap<>();
    status.replicas().forEach(r -> replicas.put(r.ordinal(), r));
    return replicas;
  }

  private static boolean notFound(Throwable err) {
    return ApiException.hasCode(err, ApiException.NOT_FOUND);
  }

  /** Runs {@code step} for each item, one after the other. */
  private static <T> Future<Void> sequentially(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item).mapEmpty());
    }
    return chain;
  }
}
