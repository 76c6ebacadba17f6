package io.rune.storage.config;

import io.rune.storage.config.RuneConfig.ClientTimeouts;
import io.rune.storage.config.RuneConfig.Controller;
import io.rune.storage.config.RuneConfig.Drivers;
import io.rune.storage.config.RuneConfig.Storage;
import io.rune.storage.config.RuneConfig.Store;
import io.rune.storage.config.RuneConfig.Watch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Builds the {@link RuneConfig} of {@code runed} from four layers, each winning over the one
 * before: built-in defaults (dev-mode defaults under {@code --dev-mode}), the runefile,
 * {@code RUNE_*} environment variables, command-line flags.
 */
public final class RunefileLoader {

  private static final Path DATA_DIR = Path.of("/var/lib/rune");

  private RunefileLoader() {}

  /**
   * Reads the runefile named by {@code --config} (none without it) and resolves the layers.
   *
   * @return the config, or a failure with a {@link ConfigException} the operator can act on
   */
  public static Future<RuneConfig> load(Vertx vertx, ServerFlags flags, Map<String, String> env) {
    return readRunefile(vertx, flags.configFile())
        // The default node name may need a DNS lookup, which must not block an event loop.
        .compose(runefile -> vertx.executeBlocking(() -> resolve(runefile, flags, env)));
  }

  /**
   * Validates a parsed runefile and layers it with the environment and the flags.
   *
   * @param runefile the runefile as {@link TomlConfigProcessor} parses it; empty for none
   * @throws ConfigException naming the key, variable or flag that is wrong
   */
  public static RuneConfig resolve(
      JsonObject runefile, ServerFlags flags, Map<String, String> env) {
    return resolve(runefile, flags, env, RunefileLoader::localHostName);
  }

  /** As {@link #resolve(JsonObject, ServerFlags, Map)}, with the machine's hostname given. */
  static RuneConfig resolve(JsonObject runefile, ServerFlags flags, Map<String, String> env,
      Supplier<String> hostName) {
    RunefileSchema.check(runefile);
    Layers in = new Layers(runefile, env);
    Path home = Path.of(System.getProperty("user.home"));
    boolean devMode = flags.devMode() || in.pick("server.devMode").map(Setting::bool).orElse(false);

    Path dataDir = in.pick("server.dataDir", "RUNE_DATA_DIR", "--data-dir", flags.dataDir())
        .map(Setting::absolutePath).orElse(devMode ? home.resolve(".rune") : DATA_DIR);
    ListenAddress listen = in.pick("server.listen", "RUNE_LISTEN", "--listen", flags.listen())
        .map(Setting::listenAddress).orElse(ListenAddress.DEFAULT);
    String node = in.pick("server.node", "RUNE_NODE", "--node", flags.node())
        .map(Setting::dnsLabel).orElseGet(() -> defaultNode(hostName, env));

    Store store = new Store(
        in.pick("store.url", "RUNE_STORE_URL").map(Setting::storeUrl).orElse(null),
        in.pick("store.poolSize").map(s -> s.integer(1, 256)).orElse(8),
        in.pick("store.requestTimeout").map(Setting::positiveDuration).orElse(Duration.ofSeconds(5)),
        in.pick("store.changeLogRetention").map(Setting::positiveDuration)
            .orElse(Duration.ofHours(24)),
        in.pick("store.compactionInterval").map(Setting::positiveDuration)
            .orElse(Duration.ofMinutes(5)));
    Storage storage = new Storage(
        in.pick("storage.defaultStorageClass", "RUNE_DEFAULT_STORAGE_CLASS")
            .map(Setting::storageClassName).orElse(null),
        // Not a fixed /var/lib/rune/volumes: the default follows the data directory, so that
        // moving the data directory moves the volumes with it.
        in.pick("storage.localVolumeRoot", "RUNE_LOCAL_VOLUME_ROOT").map(Setting::absolutePath)
            .orElse(dataDir.resolve(devMode ? "local-volumes" : "volumes")),
        in.pick("storage.hostPathAllowlist", "RUNE_HOST_PATH_ALLOWLIST").map(Setting::absolutePaths)
            .orElse(devMode ? List.of(home.resolve(".rune/volumes")) : List.of()),
        in.pick("storage.allowCreateMissing").map(Setting::bool).orElse(devMode),
        in.pick("storage.preserveOnDelete").map(Setting::bool).orElse(false),
        in.pick("storage.usageInterval", "RUNE_USAGE_INTERVAL").map(Setting::positiveDuration)
            .orElse(Storage.DEFAULT_USAGE_INTERVAL),
        in.pick("storage.usageCallsPerSecond").map(c -> c.integer(0, 1000))
            .orElse(Storage.DEFAULT_USAGE_CALLS_PER_SECOND));
    Watch watch = new Watch(
        in.pick("watch.bookmarkInterval").map(Setting::positiveDuration)
            .orElse(Duration.ofSeconds(10)),
        in.pick("watch.maxQueuedEvents").map(s -> s.integer(1, 1_000_000)).orElse(1000));
    Controller controller = new Controller(
        in.pick("controller.maxAttempts").map(c -> c.integer(1, 100)).orElse(5),
        in.pick("controller.initialBackoff").map(Setting::positiveDuration).orElse(Duration.ofSeconds(2)),
        in.pick("controller.maxBackoff").map(Setting::positiveDuration).orElse(Duration.ofSeconds(30)),
        in.pick("controller.resyncInterval").map(Setting::positiveDuration).orElse(Duration.ofSeconds(30)),
        in.pick("controller.workers").map(c -> c.integer(1, 1024)).orElse(32));
    if (controller.maxBackoff().compareTo(controller.initialBackoff()) < 0) {
      throw new ConfigException("runefile: 'controller.maxBackoff' (" + controller.maxBackoff()
          + ") must not be shorter than 'controller.initialBackoff' (" + controller.initialBackoff() + ")");
    }
    Drivers drivers = new Drivers(
        in.pick("drivers.callTimeout").map(Setting::positiveDuration).orElse(Duration.ofMinutes(10)),
        in.pick("drivers.breakerMaxFailures").map(c -> c.integer(1, 1000)).orElse(5),
        in.pick("drivers.breakerResetTimeout").map(Setting::positiveDuration).orElse(Duration.ofSeconds(30)));
    RuneConfig.Secrets secrets = new RuneConfig.Secrets(
        in.pick("secrets.keyFile").map(Setting::absolutePath).orElse(null));
    return new RuneConfig(
        dataDir, listen.host(), listen.port(), node, devMode, store, storage, watch, controller, drivers, secrets,
        strings(runefile.getJsonObject("server", new JsonObject()).getJsonObject("labels")),
        driverSettings(runefile.getJsonObject("storage", new JsonObject()).getJsonObject("drivers")),
        clientTimeouts(in, watch), ClusterSettings.resolve(in));
  }

  private static ClientTimeouts clientTimeouts(Layers in, Watch watch) {
    ClientTimeouts defaults = ClientTimeouts.DEFAULT;
    ClientTimeouts timeouts = new ClientTimeouts(
        in.pick("server.headersTimeout").map(Setting::positiveDuration).orElse(defaults.headers()),
        in.pick("server.bodyTimeout").map(Setting::positiveDuration).orElse(defaults.body()),
        in.pick("server.idleTimeout").map(Setting::positiveDuration).orElse(defaults.idle()));
    // A quiet watch stays open through its bookmarks: an idle timeout shorter than them closes it.
    if (timeouts.idle().compareTo(watch.bookmarkInterval()) <= 0) {
      throw new ConfigException("runefile: 'server.idleTimeout' (" + timeouts.idle() + ") must be longer than"
          + " 'watch.bookmarkInterval' (" + watch.bookmarkInterval() + "), or quiet watches are closed");
    }
    return timeouts;
  }

  /** A table of strings (the schema has checked the types). */
  private static Map<String, String> strings(JsonObject table) {
    Map<String, String> values = new java.util.TreeMap<>();
    if (table != null) {
      table.forEach(e -> values.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return values;
  }

  private static Map<String, Map<String, String>> driverSettings(JsonObject drivers) {
    Map<String, Map<String, String>> settings = new java.util.TreeMap<>();
    if (drivers != null) {
      drivers.forEach(e -> settings.put(e.getKey(), strings((JsonObject) e.getValue())));
    }
    return settings;
  }

  private static Future<JsonObject> readRunefile(Vertx vertx, String configFile) {
    if (configFile == null) {
      return Future.succeededFuture(new JsonObject());
    }
    String path;
    try {
      // Absolute, so that Vert.x never falls back to a classpath resource of the same name.
      path = Path.of(Setting.expandHome(configFile)).toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      return Future.failedFuture(
          new ConfigException("flag --config must be a file path, got \"" + configFile + "\""));
    }
    return vertx.fileSystem().exists(path).compose(exists -> {
      if (!exists) {
        return Future.failedFuture(new ConfigException(
            "runefile " + path + " (given with --config) does not exist"));
      }
      // The TOML format is called directly, not registered with Vert.x Config: an embedding
      // application's own ConfigRetriever gets no format of Rune's. Read once at boot: a changed
      // runefile takes effect on restart, not half-way.
      return vertx.fileSystem().readFile(path)
          .recover(e -> Future.failedFuture(
              new ConfigException("runefile " + path + " could not be read: " + e.getMessage(), e)))
          .compose(contents -> new TomlConfigProcessor().process(vertx, new JsonObject().put("path", path), contents));
    });
  }

  /**
   * The machine's hostname, lowercased and cut at the first dot: node names are DNS-1123
   * labels (they end event-bus addresses such as {@code rune.driver.local.<node>}). Falls back
   * to {@code $HOSTNAME}, then to {@code node-1}.
   */
  static String defaultNode(Supplier<String> hostName, Map<String, String> env) {
    return Stream.<Supplier<String>>of(hostName, () -> env.get("HOSTNAME"))
        .map(Supplier::get)
        .filter(Objects::nonNull)
        .filter(h -> !h.matches("[0-9.]+")) // an IPv4 address is no name
        .map(h -> h.toLowerCase(Locale.ROOT).split("\\.", 2)[0])
        .filter(Setting::isDnsLabel)
        .findFirst()
        .orElse("node-1");
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The runefile, the environment and the flags, looked up key by key. */
  record Layers(JsonObject runefile, Map<String, String> env) {

    /** A key only the runefile sets. */
    Optional<Setting> pick(String key) {
      return pick(key, null, null, null);
    }

    Optional<Setting> pick(String key, String variable) {
      return pick(key, variable, null, null);
    }

    /** The flag if given, else the variable if set (even to ""), else the runefile's value. */
    Optional<Setting> pick(String key, String variable, String flag, String flagValue) {
      if (flagValue != null) {
        return Optional.of(Setting.ofFlag(flag, flagValue));
      }
      if (variable != null && env.containsKey(variable)) {
        return Optional.of(Setting.ofEnv(variable, env.get(variable)));
      }
      // "cluster.tls.keyStore": the key keyStore of the table [cluster.tls], nested in TOML.
      String[] path = key.split("\\.");
      JsonObject table = runefile;
      for (int i = 0; i < path.length - 1 && table != null; i++) {
        table = table.getJsonObject(path[i]);
      }
      String name = path[path.length - 1];
      return table == null || !table.containsKey(name)
          ? Optional.empty()
          : Optional.of(Setting.ofRunefile(key, table.getValue(name)));
    }
  }
}
