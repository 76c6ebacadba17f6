package io.rune.storage.controller;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the nodes table every retry period and, when a node turns Ready again, has the
 * controllers look at once at what needs work: volumes waiting for that node
 * ({@code NodeUnavailable}) then go without waiting out their backoff, and volumes no Ready
 * node could take are placed again.
 */
final class NodeReturns extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NodeReturns.class);

  private final ReadyNodes nodes;
  private final Duration every;
  private final List<ResourceController<?>> controllers;
  private long timer = -1;

  NodeReturns(ReadyNodes nodes, Duration every, List<ResourceController<?>> controllers) {
    this.nodes = nodes;
    this.every = every;
    this.controllers = List.copyOf(controllers);
  }

  @Override
  public Future<?> start() {
    // The first look sets what "Ready" was; the controllers' own start-up resync covers it.
    return nodes.refresh().recover(err -> Future.succeededFuture()).onSuccess(first ->
        timer = vertx.setPeriodic(every.toMillis(), id -> look()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void look() {
    nodes.refresh().onSuccess(back -> {
      if (!back.isEmpty()) {
        log.info("Node(s) {} Ready again: looking at what waits for them", back);
        controllers.forEach(ResourceController::resyncNow);
      }
    }).onFailure(err -> log.warn("Could not read the nodes table; the next look in {} s retries: {}",
        every.toSeconds(), err.getMessage()));
  }
}
