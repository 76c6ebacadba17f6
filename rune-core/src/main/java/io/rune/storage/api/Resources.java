package io.rune.storage.api;

import io.rune.storage.model.AttemptStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.FieldSelector;
import io.rune.storage.model.Kind;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.Names;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.secrets.SecretCipher;
import io.rune.storage.security.HostPathPolicy;
import io.rune.storage.store.ListQuery;
import io.rune.storage.store.RenderedPage;
import io.rune.storage.store.StorageClassView;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreException;
import io.rune.storage.store.StoreReader;
import io.rune.storage.store.StoreTx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The resource operations of API.md, independent of the door they arrive through: REST
 * and the event bus both call these, so they share every rule and every error.
 */
public final class Resources {
  public static final int DEFAULT_LIMIT = 500;
  public static final int MAX_LIMIT = 1000;

  private final Store store;
  private final StorageClassView classes;
  private final Map<Kind, KindRules<?>> rules = new EnumMap<>(Kind.class);
  private final VolumeRestore restores;
  private final ReplicaReports replicaReports;
  private final VolumeDetach detaches;
  private final ResourcePatch patches;

  public Resources(Vertx vertx, Store store, StorageClassView classes, DriverCatalog drivers, HostPathPolicy hostPaths,
      boolean allowCreateMissing, SecretCipher secrets) {
    this.store = store;
    this.classes = classes;
    rules.put(Kind.STORAGE_CLASS, new StorageClassRules(drivers));
    rules.put(Kind.VOLUME, new VolumeRules(vertx, classes, drivers, hostPaths, allowCreateMissing));
    rules.put(Kind.SNAPSHOT, new SnapshotRules(drivers));
    rules.put(Kind.SERVICE, new ServiceRules(drivers));
    rules.put(Kind.SECRET, new SecretRules(secrets));
    this.restores = new VolumeRestore(this, store);
    this.replicaReports = new ReplicaReports(store);
    this.detaches = new VolumeDetach(store);
    this.patches = new ResourcePatch(this, store, rules);
  }

  /** The operations of {@code base} on {@code store} (a rehearsal's view of base's store). */
  private Resources(Resources base, Store store) {
    this.store = store;
    this.classes = base.classes;
    this.rules.putAll(base.rules);
    this.restores = new VolumeRestore(this, store);
    this.replicaReports = new ReplicaReports(store);
    this.detaches = new VolumeDetach(store);
    this.patches = new ResourcePatch(this, store, rules);
  }

  /**
   * Runs the write {@code operation} (any of these operations, or /apply's) for real or, with
   * {@code dryRun}, as a dry run: the same operation on a rehearsal of the store
   * ({@link Store#rehearse}), so every check of the real write runs and its answer is the
   * real one, and nothing is kept.
   */
  public <T> Future<T> write(boolean dryRun, java.util.function.Function<Resources, Future<T>> operation) {
    if (!dryRun) {
      return attempt(() -> operation.apply(this)).compose(this::classesSettled);
    }
    return attempt(() -> store.rehearse(rehearsal -> attempt(() -> operation.apply(new Resources(this, rehearsal)))));
  }

  /**
   * A write of a StorageClass answers once this node's view of the classes has it, so that
   * volumes this node admits next are admitted by what it answered; other objects at once.
   * Apply's answer (JSON of several objects, classes perhaps among them) waits for the head.
   */
  private <T> Future<T> classesSettled(T result) {
    if (result instanceof ApiObject written) {
      return written.kind() != Kind.STORAGE_CLASS ? Future.succeededFuture(result)
          : classes.caughtUpTo(written.resourceVersion()).map(result);
    }
    return store.bounds().compose(bounds -> classes.caughtUpTo(bounds.latestSeq())).map(result);
  }

  /** The StorageClasses as this node's change feed keeps them. */
  public StorageClassView storageClasses() {
    return classes;
  }

  /** Takes a Bound volume from its replicas: see {@link VolumeDetach}. */
  public Future<ApiObject> detach(Principal principal, String namespace, String name, boolean force) {
    return detaches.detach(principal, namespace, name, force);
  }

  /** A runner's report on a service's replica: see {@link ReplicaReports}. */
  public Future<ApiObject> reportReplica(Principal principal, String namespace, String service, String ordinal,
      JsonObject report) {
    return replicaReports.report(principal, namespace, service, ordinal, report);
  }

  /** A new volume made from a snapshot: see {@link VolumeRestore}. */
  public Future<ApiObject> restore(Principal principal, String namespace, String name, JsonObject body) {
    return restores.restore(principal, namespace, name, body);
  }

  public Store store() {
    return store;
  }

  public Future<ApiObject> get(Principal principal, Kind kind, String namespace, String name) {
    return attempt(() -> {
      principal.checkRead(kind, namespace);
      return readForUpdate(store, kind, scope(kind, namespace), name, null);
    });
  }

  /** As {@link #get}, the object as stored JSON text: what REST answers, without rebuilding it. */
  public Future<String> getRendered(Principal principal, Kind kind, String namespace, String name) {
    return attempt(() -> {
      principal.checkRead(kind, namespace);
      return store.getRendered(kind, scope(kind, namespace), name).map(found -> {
        if (found == null) {
          throw notFound(kind, namespace, name);
        }
        return found;
      });
    });
  }

  /**
   * Lists one namespace, or (namespace null) every namespace the principal may see, with
   * the items as stored JSON text.
   */
  public Future<RenderedPage> list(Principal principal, Kind kind, String namespace, String labelSelector,
      String fieldSelector, Integer limit, String continueToken) {
    return attempt(() -> store.list(listQuery(principal, kind, namespace, labelSelector, fieldSelector, limit,
        continueToken)));
  }

  /** The parameters are checked before the caller's rights: a list that cannot be read is 400 for anyone. */
  private static ListQuery listQuery(Principal principal, Kind kind, String namespace, String labelSelector,
      String fieldSelector, Integer limit, String continueToken) {
    int pageSize = Validation.pageSize(limit, DEFAULT_LIMIT, MAX_LIMIT);
    LabelSelector labels = Validation.checkRequest(() -> LabelSelector.parse(labelSelector));
    FieldSelector fields = Validation.checkRequest(() -> FieldSelector.parse(kind, fieldSelector));
    if (namespace != null) {
      principal.checkRead(kind, namespace);
    }
    var namespaces = !kind.namespaced() ? null
        : namespace != null ? java.util.Set.of(namespace) : principal.visibleNamespaces();
    return new ListQuery(kind, namespaces, labels, fields, pageSize, continueToken);
  }

  public Future<ApiObject> create(Principal principal, Kind kind, String namespace, JsonObject body) {
    return attempt(() -> {
      KindRules<?> kindRules = rules.get(kind);
      return createWith(kindRules, principal, namespace, body);
    });
  }

  private <S> Future<ApiObject> createWith(KindRules<S> kindRules, Principal principal, String namespace,
      JsonObject body) {
    ResourceInput<S> input = parseNew(kindRules, principal, namespace, body);
    return kindRules.precheck(principal, input).compose(spec -> {
      if (becomesDefaultClass(kindRules.kind(), spec)) {
        return store.write(tx -> insert(tx, tx, kindRules, principal, input, spec));
      }
      return insert(store, null, kindRules, principal, input, spec);
    });
  }

  /**
   * Parses an object to create (or apply) and checks its name and the caller's right to
   * write it; the returned input carries the namespace it will live in.
   */
  private <S> ResourceInput<S> parseNew(KindRules<S> kindRules, Principal principal, String pathNamespace,
      JsonObject body) {
    ResourceInput<S> input = InputParser.parse(body, kindRules.specType());
    String ns = namespaceOf(kindRules.kind(), pathNamespace, input);
    checkName(input.name());
    principal.checkWrite(kindRules.kind(), ns);
    return new ResourceInput<>(input.name(), ns, input.labels(), input.resourceVersion(), input.spec());
  }

  /**
   * Admits and stores a new object. With {@code tx} (a serialised transaction) it also
   * demotes the previous default class; without, it is one statement on the store.
   */
  private <S> Future<ApiObject> insert(StoreReader reads, StoreTx tx, KindRules<S> kindRules,
      Principal principal, ResourceInput<S> input, S spec) {
    Kind kind = kindRules.kind();
    return kindRules.admitCreate(reads, principal, input.namespace(), spec).compose(specJson -> {
      ApiObject draft = new ApiObject(kind, input.namespace(), input.name(), null, 0, input.labels(), specJson,
          kindRules.initialStatus(), null, null);
      Future<Void> demoted = tx != null && becomesDefaultClass(kind, spec)
          ? StorageClassRules.demoteOtherDefault(tx, input.name()) : Future.succeededFuture();
      return demoted.compose(v -> kindRules.insert(store, tx, draft, spec))
          .recover(err -> Future.failedFuture(StoreException.is(err, StoreException.Type.ALREADY_EXISTS)
              ? ApiException.alreadyExists(kind.kindName() + " " + draft.key()
                  + " already exists; choose another name, or change it with PUT")
              : err));
    });
  }

  /** PUT: replaces the user-written fields; the body must carry the version it read. */
  public Future<ApiObject> replace(Principal principal, Kind kind, String namespace, String name, JsonObject body) {
    return attempt(() -> replaceWith(rules.get(kind), principal, namespace, name, body));
  }

  private <S> Future<ApiObject> replaceWith(KindRules<S> kindRules, Principal principal, String namespace,
      String name, JsonObject body) {
    ResourceInput<S> input = InputParser.parse(body, kindRules.specType());
    Kind kind = kindRules.kind();
    String ns = namespaceOf(kind, namespace, input);
    if (input.name() != null && !input.name().equals(name)) {
      throw ApiException.invalid("name", "the name in the body ('" + input.name()
          + "') differs from the name in the path ('" + name + "'); names cannot change");
    }
    if (input.resourceVersion() == null) {
      throw ApiException.invalid("resourceVersion", "PUT must carry the resourceVersion it read"
          + " (GET the object, change it, send it back)");
    }
    principal.checkWrite(kind, ns);
    return kindRules.precheck(principal, input).compose(spec -> {
      if (becomesDefaultClass(kind, spec)) {
        return store.write(tx -> readForUpdate(tx, kind, ns, name, input.resourceVersion())
            .compose(current -> update(tx, tx, kindRules, principal, current, input, spec)));
      }
      return readForUpdate(store, kind, ns, name, input.resourceVersion())
          .compose(current -> update(store, null, kindRules, principal, current, input, spec));
    });
  }

  /** PATCH with a JSON merge patch: see {@link ResourcePatch}. */
  public Future<ApiObject> patch(Principal principal, Kind kind, String namespace, String name, JsonObject patch) {
    return patches.patch(principal, kind, namespace, name, patch);
  }

  /** The current object, which must exist and (when a version is given) be at that version. */
  private static Future<ApiObject> readForUpdate(StoreReader reads, Kind kind, String ns, String name,
      Long expectedVersion) {
    return reads.get(kind, ns, name).map(current -> {
      if (current == null) {
        throw notFound(kind, ns, name);
      }
      checkVersion(current, expectedVersion);
      return current;
    });
  }

  /** A client that names the version it read must still find the object at that version. */
  private static void checkVersion(ApiObject current, Long expectedVersion) {
    if (expectedVersion != null && expectedVersion != current.resourceVersion()) {
      throw ApiException.conflict(current.kind().kindName() + " " + current.key() + " has changed since"
          + " resourceVersion " + expectedVersion + " (it is now " + current.resourceVersion()
          + "); GET it again and reapply your change");
    }
  }

  private <S> Future<ApiObject> update(StoreReader reads, StoreTx tx, KindRules<S> kindRules, Principal principal,
      ApiObject current, ResourceInput<S> input, S spec) {
    return kindRules.admitUpdate(reads, principal, current, spec).compose(specJson -> {
      ApiObject next = current.withSpec(specJson, input.labels());
      return kindRules.unchanged(reads, current, next, spec).compose(same -> {
        if (same) {
          return Future.succeededFuture(current);
        }
        Future<Void> demoted = tx != null && becomesDefaultClass(kindRules.kind(), spec)
            ? StorageClassRules.demoteOtherDefault(tx, current.name()) : Future.succeededFuture();
        return demoted.compose(v -> kindRules.update(store, tx, next, spec));
      });
    });
  }

  /** A class written with default: true must demote the old default in the same transaction. */
  private static boolean becomesDefaultClass(Kind kind, Object spec) {
    return kind == Kind.STORAGE_CLASS && ((StorageClassSpec) spec).defaultClass();
  }

  /**
   * DELETE; {@code cascade} (Services and StorageClasses only) also deletes what the object
   * owns (a service's template volumes, a class's volumes), and the kind's rules decide who
   * may ask for it.
   */
  public Future<ApiObject> delete(Principal principal, Kind kind, String namespace, String name, boolean cascade) {
    return attempt(() -> {
      KindRules<?> kindRules = rules.get(kind);
      if (cascade && !kindRules.cascades()) {
        throw ApiException.malformedRequest("cascade", "cascade applies to services and storage classes only;"
            + " delete a " + kind.kindName() + " without it");
      }
      principal.checkWrite(kind, namespace);
      String ns = scope(kind, namespace);
      return untilNotMoved(() -> readForUpdate(store, kind, ns, name, null).compose(current ->
          kindRules.admitDelete(store, principal, current, cascade)
              .compose(v -> kindRules.delete(store, current, cascade))));
    });
  }

  /**
   * Runs a read-then-write that the caller did not make conditional on a version (a DELETE,
   * retry-provision) again when a controller's status write got in between: the caller
   * asked for the change whatever the status, so a Conflict would only be noise.
   */
  static <T> Future<T> untilNotMoved(java.util.function.Supplier<Future<T>> readThenWrite) {
    return untilNotMoved(readThenWrite, 10);
  }

  private static <T> Future<T> untilNotMoved(java.util.function.Supplier<Future<T>> readThenWrite, int attemptsLeft) {
    return readThenWrite.get().recover(err -> attemptsLeft > 1
        && ApiException.from(err) instanceof ApiException api && api.code().equals("Conflict")
        ? untilNotMoved(readThenWrite, attemptsLeft - 1) : Future.failedFuture(err));
  }

  /** Makes a class the default, demoting the previous one in the same transaction. */
  public Future<ApiObject> setDefault(Principal principal, String className) {
    return attempt(() -> {
      principal.checkAdmin("making a StorageClass the default");
      return store.write(tx -> tx.get(Kind.STORAGE_CLASS, "", className).compose(current -> {
        if (current == null) {
          throw notFound(Kind.STORAGE_CLASS, "", className);
        }
        if (current.spec().getBoolean("default", false)) {
          return Future.succeededFuture(current);
        }
        JsonObject promoted = current.spec().copy().put("default", true);
        return tx.defaultStorageClass()
            .compose(previous -> previous == null ? Future.succeededFuture()
                : tx.update(previous.withSpec(previous.spec().copy().put("default", false), previous.labels())))
            .compose(v -> tx.update(current.withSpec(promoted, current.labels())));
      }));
    });
  }

  /**
   * The retry verb: starts the object's current operation over, attempts reset and the next
   * attempt now. Provisioning (a Failed or Stalled volume) and taking a snapshot (Failed) go
   * back to Pending; a deletion that stopped (retries exhausted, or a failure retrying could
   * not fix) stays Deleting and is tried again. Anything else is 409 InvalidPhase.
   */
  public Future<ApiObject> retry(Principal principal, Kind kind, String namespace, String name) {
    return attempt(() -> {
      principal.checkWrite(kind, namespace);
      return untilNotMoved(() -> readForUpdate(store, kind, namespace, name, null).compose(current -> {
        AttemptStatus<?> status = kind == Kind.VOLUME ? VolumeStatus.of(current) : SnapshotStatus.of(current);
        if (!status.retryable()) {
          throw ApiException.invalidPhase(kind.kindName().toLowerCase(java.util.Locale.ROOT) + " " + current.key()
              + " is " + status.phase() + (status.reason() != null ? " (" + status.reason() + ")" : "")
              + "; only a " + (kind == Kind.VOLUME ? "Failed or Stalled" : "Failed") + " " + kind.kindName()
              + ", or one whose deletion or expansion stopped, can be retried");
        }
        return store.update(current.withStatus(status.retried(Instant.now()).toJson()));
      }));
    });
  }

  /**
   * Create-or-update for /apply, inside the caller's transaction. Returns the stored
   * object and whether it was created, updated or left unchanged.
   */
  Future<ApplyOutcome> applyOne(StoreTx tx, Principal principal, Kind kind, JsonObject body) {
    return attempt(() -> applyWith(tx, rules.get(kind), principal, body));
  }

  private <S> Future<ApplyOutcome> applyWith(StoreTx tx, KindRules<S> kindRules, Principal principal,
      JsonObject body) {
    ResourceInput<S> input = parseNew(kindRules, principal, null, body);
    Kind kind = kindRules.kind();
    String ns = input.namespace();
    return kindRules.precheck(principal, input).compose(spec -> tx.get(kind, ns, input.name()).compose(current -> {
      if (current == null) {
        return insert(tx, tx, kindRules, principal, input, spec).map(o -> new ApplyOutcome("created", o));
      }
      checkVersion(current, input.resourceVersion());
      return update(tx, tx, kindRules, principal, current, input, spec).map(o ->
          new ApplyOutcome(o.resourceVersion() == current.resourceVersion() ? "unchanged" : "updated", o));
    }));
  }

  record ApplyOutcome(String action, ApiObject object) {}

  private static String namespaceOf(Kind kind, String pathNamespace, ResourceInput<?> input) {
    if (!kind.namespaced()) {
      if (input.namespace() != null) {
        throw ApiException.invalid("namespace", kind.kindName() + " is cluster-wide and has no namespace");
      }
      return "";
    }
    if (pathNamespace != null && input.namespace() != null && !pathNamespace.equals(input.namespace())) {
      throw ApiException.invalid("namespace", "the namespace in the body ('" + input.namespace()
          + "') differs from the one in the path ('" + pathNamespace + "')");
    }
    String ns = Objects.requireNonNullElse(pathNamespace, input.namespace() == null ? "default" : input.namespace());
    Validation.check(() -> Names.checkName("namespace", ns));
    return ns;
  }

  private static void checkName(String name) {
    Validation.check(() -> Names.checkName("name", name));
  }

  private static String scope(Kind kind, String namespace) {
    return kind.namespaced() ? namespace : "";
  }

  static ApiException notFound(Kind kind, String namespace, String name) {
    String where = kind.namespaced() ? " in namespace '" + namespace + "'" : "";
    return ApiException.notFound(kind.kindName() + " '" + name + "' does not exist" + where);
  }

  /** Turns a synchronous throw in the preparation of a future into a failed future. */
  static <T> Future<T> attempt(java.util.function.Supplier<Future<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
