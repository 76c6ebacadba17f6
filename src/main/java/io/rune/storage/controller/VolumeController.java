package io.rune.storage.controller;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverCatalog;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.store.Change;
import io.rune.storage.store.ChangeFeed;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume controller: queues every volume whose change (from this node's change feed)
 * leaves it needing work, and every such volume again at start and on each resync, for
 * what a missed notification or a crash left behind. The work itself is
 * {@link VolumeReconciler}'s.
 */
public final class VolumeController extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(VolumeController.class);

  private final Store store;
  private final DriverCatalog catalog;
  private final RuneConfig config;
  private ReconcileQueue queue;
  private MessageConsumer<Change> changes;
  private long resyncTimer = -1;

  public VolumeController(Store store, DriverCatalog catalog, RuneConfig config) {
    this.store = store;
    this.catalog = catalog;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    RuneConfig.Controller settings = config.controller();
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    VolumeTargets targets = new VolumeTargets(vertx, store, catalog, config.node(), config.drivers().callTimeout());
    VolumeReclaimer reclaimer = new VolumeReclaimer(targets, new StatusWrites(store), backoff);
    VolumeReconciler reconciler = new VolumeReconciler(store, targets, reclaimer, settings.maxAttempts(), backoff,
        config.drivers().callTimeout());
    queue = new ReconcileQueue(vertx, "volume", reconciler, settings.workers());
    changes = vertx.eventBus().localConsumer(ChangeFeed.LOCAL_ADDRESS, message -> onChange(message.body()));
    long every = settings.resyncInterval().toMillis();
    resyncTimer = vertx.setPeriodic(every, every, id -> resync());
    return changes.completion().onSuccess(v -> resync());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(resyncTimer);
    queue.stop();
    return changes.unregister();
  }

  private void onChange(Change change) {
    if (change.kind() != Kind.VOLUME || change.type() == Change.Type.DELETED) {
      return;
    }
    JsonObject status = change.object().getJsonObject("status", new JsonObject());
    if (VolumePhase.NEEDS_WORK.contains(status.getString("phase", VolumePhase.PENDING))) {
      queue.add(new ObjectKey(change.namespace(), change.name()));
    }
  }

  private void resync() {
    store.keysInPhase(Kind.VOLUME, VolumePhase.NEEDS_WORK)
        .onSuccess(keys -> keys.forEach(queue::add))
        .onFailure(err -> log.warn("Volume resync could not read the store; the next one retries: {}",
            err.getMessage()));
  }
}
