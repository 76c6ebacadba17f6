package io.rune.storage.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.rune.storage.cluster.NodeDirectory;
import io.rune.storage.config.RuneConfig;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Supplier;

/** Everything the API doors need, built once by the server and shared by them. */
public record ApiContext(
    Vertx vertx,
    RuneConfig config,
    Resources resources,
    TokenStore tokens,
    Authenticator authenticator,
    Supplier<String> readiness,
    /** What each driver decided at start-up, by driver name (shown by /readyz). */
    Supplier<Map<String, Map<String, String>>> driverDecisions,
    MeterRegistry metrics,
    NodeDirectory nodes) {}
