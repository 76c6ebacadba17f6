package io.rune.storage.config;

import io.rune.storage.config.RunefileLoader.Layers;
import io.rune.storage.config.RunefileSchema.Type;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The deployment {@code config()} of {@code RuneStorageVerticle}, deployed by name: the
 * runefile's tables as JSON ({@code {"server": {...}, "store": {...}, ...}}), checked and
 * resolved by {@link RunefileLoader} as runed's runefile is, plus a table {@code verticle} of
 * what only an embedded verticle has: its own HTTP server or none, how many instances of it,
 * a trusted local event bus, the change feed's poll interval.
 *
 * <p>The config is the only layer: no {@code RUNE_*} environment variable and no flag applies
 * (the application decides, with its own Vert.x Config if it wants layers).
 *
 * @param rune the runefile's settings
 * @param httpServer {@code verticle.httpServer}: start an HTTP server on {@code server.listen}
 *     (default true); false when the application mounts the router on its own server
 * @param httpInstances {@code verticle.httpInstances}, or null for the default
 * @param trustedLocalEventBus {@code verticle.trustedLocalEventBus} (default false)
 * @param feedPollInterval {@code verticle.feedPollInterval}, or null for the default
 */
public record DeploymentConfig(RuneConfig rune, boolean httpServer, Integer httpInstances,
    boolean trustedLocalEventBus, Duration feedPollInterval) {

  /** The table of the verticle's own settings, which a runefile does not have. */
  public static final String VERTICLE = "verticle";

  /** Where errors say the config came from, in place of "runefile". */
  private static final String SOURCE = "RuneStorageVerticle config: ";

  private static final Map<String, Map<String, Type>> TABLES;

  static {
    Map<String, Map<String, Type>> tables = new LinkedHashMap<>(RunefileSchema.TABLES);
    RunefileSchema.table(tables, VERTICLE, "httpServer", Type.BOOLEAN, "httpInstances", Type.INTEGER,
        "trustedLocalEventBus", Type.BOOLEAN, "feedPollInterval", Type.STRING);
    TABLES = Collections.unmodifiableMap(tables);
  }

  /**
   * Checks and resolves a deployment config. Blocks (the default node name may need a DNS
   * lookup): call it on a worker.
   *
   * @throws ConfigException naming the key that is wrong, as for a runefile
   */
  public static DeploymentConfig resolve(JsonObject config) {
    try {
      RunefileSchema.check(config, TABLES);
      JsonObject runefile = config.copy();
      runefile.remove(VERTICLE);
      Layers in = new Layers(config, Map.of());
      return new DeploymentConfig(
          RunefileLoader.resolve(runefile, ServerFlags.none(), Map.of()),
          in.pick(VERTICLE + ".httpServer").map(Setting::bool).orElse(true),
          in.pick(VERTICLE + ".httpInstances").map(s -> s.integer(1, 64)).orElse(null),
          in.pick(VERTICLE + ".trustedLocalEventBus").map(Setting::bool).orElse(false),
          in.pick(VERTICLE + ".feedPollInterval").map(Setting::positiveDuration).orElse(null));
    } catch (ConfigException e) {
      // The runefile's words, naming the key; the source is this config, not a file.
      String message = e.getMessage();
      throw new ConfigException(SOURCE + (message.startsWith("runefile: ")
          ? message.substring("runefile: ".length()) : message), e);
    }
  }
}
