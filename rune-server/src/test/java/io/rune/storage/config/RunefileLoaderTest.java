package io.rune.storage.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.config.RuneConfig.Controller;
import io.rune.storage.config.RuneConfig.Drivers;
import io.rune.storage.config.RuneConfig.Storage;
import io.rune.storage.config.RuneConfig.Store;
import io.rune.storage.config.RuneConfig.Watch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The layering and validation of {@link RunefileLoader#resolve}, without files. */
class RunefileLoaderTest {

  private static final Path HOME = Path.of(System.getProperty("user.home"));
  private static final ServerFlags NO_FLAGS = ServerFlags.none();
  private static final Map<String, String> NO_ENV = Map.of();

  private static final String FULL_RUNEFILE = """
      [server]
      listen = "0.0.0.0:9000"
      dataDir = "/srv/rune"
      node = "box-7"
      devMode = false
      [store]
      url = "postgresql://rune:pw@db.internal:5432/rune"
      poolSize = 16
      requestTimeout = "3s"
      changeLogRetention = "7d"
      compactionInterval = "30s"
      [storage]
      defaultStorageClass = "local-host"
      localVolumeRoot = "/mnt/volumes/"
      hostPathAllowlist = ["/srv/data", "~/shared", "/srv/data/../other"]
      allowCreateMissing = true
      preserveOnDelete = true
      [watch]
      bookmarkInterval = "500ms"
      maxQueuedEvents = 50_000
      [controller]
      maxAttempts = 3
      initialBackoff = "100ms"
      maxBackoff = "1s"
      resyncInterval = "5s"
      workers = 4
      [drivers]
      callTimeout = "1m"
      breakerMaxFailures = 2
      breakerResetTimeout = "3s"
      [secrets]
      keyFile = "~/keys/rune.key"
      """;

  /** Parses through the real TOML format, so values have the types a file would give. */
  private static JsonObject toml(String text) {
    return new TomlConfigProcessor().process(null, null, Buffer.buffer(text)).result();
  }

  private static RuneConfig resolve(String runefile, ServerFlags flags, Map<String, String> env) {
    return RunefileLoader.resolve(toml(runefile), flags, env, () -> "testhost");
  }

  private static RuneConfig resolve(String runefile) {
    return resolve(runefile, NO_FLAGS, NO_ENV);
  }

  @Test
  void defaults() {
    assertThat(resolve("")).isEqualTo(new RuneConfig(Path.of("/var/lib/rune"), "127.0.0.1", 7861,
        "testhost", false,
        new Store(null, 8, Duration.ofSeconds(5), Duration.ofHours(24), Duration.ofMinutes(5)),
        new Storage(null, Path.of("/var/lib/rune/volumes"), List.of(), false, false),
        new Watch(Duration.ofSeconds(10), 1000),
        new Controller(5, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30), 32),
        new Drivers(Duration.ofMinutes(10), 5, Duration.ofSeconds(30))));
  }

  @Test
  void clientTimeoutsHaveDefaultsAndAreSetInTheServerTable() {
    assertThat(resolve("").clientTimeouts()).isEqualTo(new RuneConfig.ClientTimeouts(
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5)));
    assertThat(resolve("[server]\nheadersTimeout = \"2s\"\nbodyTimeout = \"3s\"\nidleTimeout = \"1m\"\n")
        .clientTimeouts()).isEqualTo(new RuneConfig.ClientTimeouts(
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMinutes(1)));
    assertThatThrownBy(() -> resolve("[server]\nheadersTimeout = \"0s\"\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'server.headersTimeout'");
    assertThatThrownBy(() -> resolve("[server]\nidleTimeout = \"5s\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'server.idleTimeout' (PT5S) must be longer than 'watch.bookmarkInterval' (PT10S)");
  }

  @Test
  void theUsageScheduleComesFromTheRunefileOrTheEnvironmentAndRefusesNonsense() {
    assertThat(resolve("").storage().usageInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(resolve("").storage().usageCallsPerSecond()).isEqualTo(2);
    RuneConfig set = resolve("[storage]\nusageInterval = \"15s\"\nusageCallsPerSecond = 5\n");
    assertThat(set.storage().usageInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(set.storage().usageCallsPerSecond()).isEqualTo(5);
    RuneConfig env = resolve("[storage]\nusageInterval = \"15s\"\n", NO_FLAGS,
        Map.of("RUNE_USAGE_INTERVAL", "2m"));
    assertThat(env.storage().usageInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> resolve("[storage]\nusageInterval = \"0s\"\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'storage.usageInterval'");
    assertThat(resolve("[storage]\nusageCallsPerSecond = 0\n").storage().usageCallsPerSecond())
        .as("0 turns measuring off").isZero();
    assertThatThrownBy(() -> resolve("[storage]\nusageCallsPerSecond = -1\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'storage.usageCallsPerSecond'");
  }

  @Test
  void defaultNodeIsTheMachinesHostnameAsALabel() {
    String node = RunefileLoader.resolve(new JsonObject(), NO_FLAGS, NO_ENV).node();
    assertThat(node).matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    assertThat(RunefileLoader.defaultNode(() -> "Web-1.Example.COM", NO_ENV)).isEqualTo("web-1");
    assertThat(RunefileLoader.defaultNode(() -> null, Map.of("HOSTNAME", "Box2"))).isEqualTo("box2");
    assertThat(RunefileLoader.defaultNode(() -> "10.0.0.5", Map.of("HOSTNAME", "box3")))
        .isEqualTo("box3");
    assertThat(RunefileLoader.defaultNode(() -> "my_host", Map.of("HOSTNAME", "-bad")))
        .isEqualTo("node-1");
  }

  @Test
  void runefileOverridesEveryDefault() {
    assertThat(resolve(FULL_RUNEFILE)).isEqualTo(new RuneConfig(Path.of("/srv/rune"), "0.0.0.0",
        9000, "box-7", false,
        new Store("postgresql://rune:pw@db.internal:5432/rune", 16, Duration.ofSeconds(3), Duration.ofDays(7),
            Duration.ofSeconds(30)),
        new Storage("local-host", Path.of("/mnt/volumes"),
            List.of(Path.of("/srv/data"), HOME.resolve("shared"), Path.of("/srv/other")), true, true),
        new Watch(Duration.ofMillis(500), 50_000),
        new Controller(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), 4),
        new Drivers(Duration.ofMinutes(1), 2, Duration.ofSeconds(3)),
        new RuneConfig.Secrets(HOME.resolve("keys/rune.key"))));
  }

  @Test
  void theSecretKeyFileIsTheDataDirectorysUnlessConfigured() {
    RuneConfig defaults = resolve("[server]\ndataDir = \"/data/rune\"\n");
    assertThat(defaults.secrets()).isEqualTo(RuneConfig.Secrets.DEFAULT);
    assertThat(defaults.secretKeyFile()).isEqualTo(Path.of("/data/rune/secret.key"));
    assertThat(resolve(FULL_RUNEFILE).secretKeyFile()).isEqualTo(HOME.resolve("keys/rune.key"));
    assertThatThrownBy(() -> resolve("[secrets]\nkeyFile = \"keys/rune.key\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("runefile: 'secrets.keyFile' must be an absolute path (\"~/\" may start it), got \"keys/rune.key\"");
    assertThatThrownBy(() -> resolve("[secrets]\nkey = \"x\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("runefile: unknown key 'secrets.key' (known keys in [secrets]: keyFile)");
  }

  @Test
  void backoffCapShorterThanItsStartIsRefused() {
    assertThatThrownBy(() -> resolve("[controller]\ninitialBackoff = \"10s\"\nmaxBackoff = \"1s\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("controller.maxBackoff");
  }

  @Test
  void volumeRootFollowsTheDataDirectory() {
    RuneConfig config = resolve("[server]\ndataDir = \"/data/rune\"\n");
    assertThat(config.dataDir()).isEqualTo(Path.of("/data/rune"));
    assertThat(config.storage().localVolumeRoot()).isEqualTo(Path.of("/data/rune/volumes"));
    assertThat(config.embeddedPgDir()).isEqualTo(Path.of("/data/rune/pg"));
  }

  @Test
  void environmentBeatsRunefile() {
    Map<String, String> env = Map.of(
        "RUNE_STORE_URL", "postgres://env@envdb/rune",
        "RUNE_LISTEN", "[::1]:7000",
        "RUNE_DATA_DIR", "~/rune-data",
        "RUNE_NODE", "env-node",
        "RUNE_DEFAULT_STORAGE_CLASS", "",
        "RUNE_LOCAL_VOLUME_ROOT", "/env/volumes",
        "RUNE_HOST_PATH_ALLOWLIST", "/a, ~/b:/c,,/a");
    RuneConfig config = resolve(FULL_RUNEFILE, NO_FLAGS, env);
    assertThat(config.store().url()).isEqualTo("postgres://env@envdb/rune");
    assertThat(config.listenHost()).isEqualTo("::1");
    assertThat(config.listenPort()).isEqualTo(7000);
    assertThat(config.listenAddress()).isEqualTo("[::1]:7000");
    assertThat(config.dataDir()).isEqualTo(HOME.resolve("rune-data"));
    assertThat(config.node()).isEqualTo("env-node");
    assertThat(config.storage().defaultStorageClass()).isEmpty();
    assertThat(config.storage().localVolumeRoot()).isEqualTo(Path.of("/env/volumes"));
    assertThat(config.storage().hostPathAllowlist())
        .containsExactly(Path.of("/a"), HOME.resolve("b"), Path.of("/c"));
    // Keys without a variable still come from the runefile.
    assertThat(config.store().poolSize()).isEqualTo(16);
  }

  @Test
  void emptyStoreUrlInTheEnvironmentMeansEmbedded() {
    assertThat(resolve(FULL_RUNEFILE, NO_FLAGS, Map.of("RUNE_STORE_URL", "")).store().url()).isNull();
    assertThat(resolve("", NO_FLAGS, Map.of("RUNE_HOST_PATH_ALLOWLIST", ""))
        .storage().hostPathAllowlist()).isEmpty();
  }

  @Test
  void flagsBeatEnvironment() {
    Map<String, String> env = Map.of("RUNE_LISTEN", "10.0.0.1:1", "RUNE_DATA_DIR", "/env",
        "RUNE_NODE", "env-node");
    ServerFlags flags = ServerFlags.parse("--listen", "localhost:0", "--data-dir", "/flag",
        "--node", "flag-node");
    RuneConfig config = resolve(FULL_RUNEFILE, flags, env);
    assertThat(config.listenAddress()).isEqualTo("localhost:0");
    assertThat(config.dataDir()).isEqualTo(Path.of("/flag"));
    assertThat(config.node()).isEqualTo("flag-node");
  }

  @Test
  void devModeFlagOverlaysDevelopmentDefaults() {
    RuneConfig config = resolve("", ServerFlags.parse("--dev-mode"), NO_ENV);
    assertThat(config.devMode()).isTrue();
    assertThat(config.dataDir()).isEqualTo(HOME.resolve(".rune"));
    assertThat(config.storage().localVolumeRoot()).isEqualTo(HOME.resolve(".rune/local-volumes"));
    assertThat(config.storage().hostPathAllowlist()).containsExactly(HOME.resolve(".rune/volumes"));
    assertThat(config.storage().allowCreateMissing()).isTrue();
    assertThat(config.storage().preserveOnDelete()).isFalse();
  }

  @Test
  void devModeLeavesKeysTheRunefileSetAlone() {
    RuneConfig config = resolve("""
        [server]
        devMode = true
        dataDir = "/dev-data"
        [storage]
        hostPathAllowlist = []
        allowCreateMissing = false
        """);
    assertThat(config.devMode()).isTrue();
    assertThat(config.storage().localVolumeRoot()).isEqualTo(Path.of("/dev-data/local-volumes"));
    assertThat(config.storage().hostPathAllowlist()).isEmpty();
    assertThat(config.storage().allowCreateMissing()).isFalse();
  }

  @Test
  void unknownKeyIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> resolve("[storage]\ndefaultClass = \"local\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("runefile: unknown key 'storage.defaultClass' (known keys in [storage]:"
            + " defaultStorageClass, localVolumeRoot, hostPathAllowlist, allowCreateMissing,"
            + " preserveOnDelete, usageInterval, usageCallsPerSecond, drivers)");
    assertThatThrownBy(() -> resolve("[stroage]\nx = 1\n"))
        .hasMessage("runefile: unknown table [stroage] (known tables: [server], [store],"
            + " [storage], [watch], [controller], [drivers], [secrets], [cluster], [cluster.tls])");
    assertThatThrownBy(() -> resolve("listen = \"a:1\"\n"))
        .hasMessageStartingWith("runefile: unknown key 'listen' (keys belong in one of the tables");
    assertThatThrownBy(() -> resolve("[server.tls]\ncert = \"x\"\n"))
        .hasMessageStartingWith("runefile: unknown key 'server.tls' (known keys in [server]:");
  }

  @Test
  void wrongTypeNamesKeyAndExpectedType() {
    assertThatThrownBy(() -> resolve("[store]\npoolSize = \"8\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("runefile: 'store.poolSize' must be an integer, got string \"8\"");
    assertThatThrownBy(() -> resolve("[store]\npoolSize = 8.0\n"))
        .hasMessage("runefile: 'store.poolSize' must be an integer, got float 8.0");
    assertThatThrownBy(() -> resolve("[server]\ndevMode = \"yes\"\n"))
        .hasMessage("runefile: 'server.devMode' must be a boolean, got string \"yes\"");
    assertThatThrownBy(() -> resolve("[storage]\nhostPathAllowlist = [\"/a\", 1]\n"))
        .hasMessage("runefile: 'storage.hostPathAllowlist' must be an array of strings,"
            + " got array [\"/a\",1]");
    assertThatThrownBy(() -> resolve("[server]\nlisten = 7861\n"))
        .hasMessage("runefile: 'server.listen' must be a string, got integer 7861");
    assertThatThrownBy(() -> resolve("server = \"x\"\n"))
        .hasMessage("runefile: 'server' must be a table, got string \"x\"");
  }

  @Test
  void outOfRangeValuesNameKeyAndRange() {
    assertThatThrownBy(() -> resolve("[store]\npoolSize = 0\n"))
        .hasMessage("runefile: 'store.poolSize' must be an integer from 1 to 256, got 0");
    assertThatThrownBy(() -> resolve("[watch]\nmaxQueuedEvents = 1_000_001\n"))
        .hasMessage("runefile: 'watch.maxQueuedEvents' must be an integer from 1 to 1000000,"
            + " got 1000001");
    assertThatThrownBy(() -> resolve("[store]\npoolSize = 99999999999999999999\n"))
        .hasMessageStartingWith("runefile: 'store.poolSize' must be an integer from 1 to 256");
  }

  @Test
  void badDurationsNameKeyAndAcceptedForms() {
    assertThatThrownBy(() -> resolve("[store]\nchangeLogRetention = \"1 day\"\n"))
        .hasMessage("runefile: 'store.changeLogRetention': invalid duration \"1 day\": use a whole"
            + " number followed by ms, s, m, h or d, e.g. \"500ms\", \"10s\", \"5m\", \"24h\", \"7d\"");
    assertThatThrownBy(() -> resolve("[watch]\nbookmarkInterval = \"0s\"\n"))
        .hasMessage("runefile: 'watch.bookmarkInterval' must be a positive duration, got \"0s\"");
  }

  @Test
  void pathsMustBeAbsolute() {
    assertThatThrownBy(() -> resolve("[server]\ndataDir = \"var/rune\"\n"))
        .hasMessage("runefile: 'server.dataDir' must be an absolute path (\"~/\" may start it),"
            + " got \"var/rune\"");
    assertThatThrownBy(() -> resolve("[storage]\nhostPathAllowlist = [\"/ok\", \"~other/x\"]\n"))
        .hasMessage("runefile: 'storage.hostPathAllowlist' must be a list of absolute paths"
            + " (\"~/\" may start them), got \"~other/x\"");
    assertThatThrownBy(() -> resolve("", NO_FLAGS, Map.of("RUNE_LOCAL_VOLUME_ROOT", "volumes")))
        .hasMessageStartingWith("environment variable RUNE_LOCAL_VOLUME_ROOT must be an absolute");
    assertThatThrownBy(() -> resolve("", ServerFlags.parse("--data-dir", "data"), NO_ENV))
        .hasMessageStartingWith("flag --data-dir must be an absolute path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "host:99999", "host:", ":7861", "::1:7861", "[::1]",
      "[::1]7861", "[nope]:1", "a b:1", "host:-1", "host:80x"})
  void badListenNamesTheSourceAndTheForm(String listen) {
    assertThatThrownBy(() -> resolve("", NO_FLAGS, Map.of("RUNE_LISTEN", listen)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("environment variable RUNE_LISTEN must be HOST:PORT with a port from 0 to"
            + " 65535 (IPv6 as [::1]:7861), got \"" + listen + "\"");
    assertThatThrownBy(() -> resolve("[server]\nlisten = \"" + listen + "\"\n"))
        .hasMessageStartingWith("runefile: 'server.listen' must be HOST:PORT");
  }

  @Test
  void goodListenAddresses() {
    assertThat(resolve("[server]\nlisten = \"[fe80::1%eth0]:0\"\n").listenHost())
        .isEqualTo("fe80::1%eth0");
    RuneConfig config = resolve("[server]\nlisten = \"rune.example.com:65535\"\n");
    assertThat(config.listenHost()).isEqualTo("rune.example.com");
    assertThat(config.listenPort()).isEqualTo(65535);
  }

  @Test
  void badStoreUrlIsExplainedWithThePasswordMasked() {
    assertThatThrownBy(() -> resolve("[store]\nurl = \"mysql://rune:s3cret@db/rune\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("runefile: 'store.url' must start with postgresql:// or postgres://, got"
            + " \"mysql://rune:****@db/rune\" (leave it empty for the embedded server)")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> resolve("", NO_FLAGS,
        Map.of("RUNE_STORE_URL", "postgresql://rune:s3:cr@t@/rune")))
        .hasMessage("environment variable RUNE_STORE_URL has no host"
            + " (postgresql://user:pass@HOST:5432/db), got \"postgresql://rune:****@/rune\""
            + " (leave it empty for the embedded server)");
    assertThatThrownBy(() -> resolve("", NO_FLAGS,
        Map.of("RUNE_STORE_URL", "postgresql://db:99999/rune?password=s3cret")))
        .hasMessageContaining("has a port that is not a number from 1 to 65535")
        .hasMessageContaining("password=****")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void goodStoreUrlsAreKeptAsWritten() {
    for (String url : List.of("postgresql://db/rune", "postgres://u:p@db.internal:5432/rune",
        "postgresql://u:p%40ss@[::1]:5432/rune?sslmode=require", "POSTGRESQL://db")) {
      assertThat(resolve("", NO_FLAGS, Map.of("RUNE_STORE_URL", url)).store().url()).isEqualTo(url);
    }
  }

  @Test
  void nodeLabelsAndDriverSettingsAreTablesOfTheirOwn() {
    RuneConfig config = resolve("""
        [server.labels]
        "rune.io/droplet-id" = "4242"
        "rune.io/region" = "fra1"
        [storage.drivers.do-volume]
        apiUrl = "http://127.0.0.1:9000"
        actionPollInterval = "100ms"
        """);
    assertThat(config.nodeLabels()).containsOnly(Map.entry("rune.io/droplet-id", "4242"),
        Map.entry("rune.io/region", "fra1"));
    assertThat(config.driverSettings("do-volume")).containsEntry("apiUrl", "http://127.0.0.1:9000")
        .containsEntry("actionPollInterval", "100ms");
    assertThat(config.driverSettings("local")).isEmpty();

    assertThatThrownBy(() -> resolve("[server.labels]\n\"rune.io/droplet-id\" = 4242\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'server.labels' must be a table of strings");
    assertThatThrownBy(() -> resolve("[storage]\ndrivers = \"do-volume\"\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'storage.drivers' must be a table per driver");
  }

  @Test
  void namesMustBeLabels() {
    assertThatThrownBy(() -> resolve("", ServerFlags.parse("--node", "My_Node"), NO_ENV))
        .hasMessage("flag --node must be a DNS-1123 label: lowercase letters, digits and '-',"
            + " starting and ending with a letter or digit, at most 63 characters, got \"My_Node\"");
    Map<String, String> env = new HashMap<>();
    env.put("RUNE_DEFAULT_STORAGE_CLASS", "Fast SSD");
    assertThatThrownBy(() -> resolve("", NO_FLAGS, env))
        .hasMessageStartingWith("environment variable RUNE_DEFAULT_STORAGE_CLASS must be a DNS-1123");
  }
}
