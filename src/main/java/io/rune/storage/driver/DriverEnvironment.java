package io.rune.storage.driver;

import io.rune.storage.config.RuneConfig;
import io.vertx.core.Vertx;

/** What a driver is made with: the Vert.x instance it runs on and the server's configuration. */
public record DriverEnvironment(Vertx vertx, RuneConfig config) {}
