package io.rune.storage.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunefileLoader#load} with real files, read by Vert.x and parsed by the TOML format. */
@ExtendWith(VertxExtension.class)
class RunefileLoaderLoadTest {

  private static final Path EXAMPLE = Path.of("conf/runefile.example.toml");

  private Vertx vertx;

  @TempDir
  Path dir;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx(VertxTestContext testContext) {
    vertx.close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void loadsARunefileAndLayersEnvironmentAndFlags(VertxTestContext testContext) throws IOException {
    Path file = Files.writeString(dir.resolve("runefile.toml"), """
        # a real runefile
        [server]
        listen = "127.0.0.1:8000"
        node = "file-node"
        [store]
        poolSize = 4
        compactionInterval = "1h"
        [storage]
        defaultStorageClass = ""
        hostPathAllowlist = ["/srv/data"]
        """);
    ServerFlags flags = ServerFlags.parse("--config", file.toString(), "--listen=0.0.0.0:9000");
    RunefileLoader.load(vertx, flags, Map.of("RUNE_NODE", "env-node"))
        .onComplete(testContext.succeeding(config -> testContext.verify(() -> {
          assertThat(config.listenAddress()).isEqualTo("0.0.0.0:9000");
          assertThat(config.node()).isEqualTo("env-node");
          assertThat(config.store().poolSize()).isEqualTo(4);
          assertThat(config.store().compactionInterval()).isEqualTo(Duration.ofHours(1));
          assertThat(config.store().changeLogRetention()).isEqualTo(Duration.ofHours(24));
          assertThat(config.storage().defaultStorageClass()).isEmpty();
          assertThat(config.storage().hostPathAllowlist()).containsExactly(Path.of("/srv/data"));
          assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/rune"));
          testContext.completeNow();
        })));
  }

  @Test
  void withoutConfigFlagNoFileIsRead(VertxTestContext testContext) {
    RunefileLoader.load(vertx, ServerFlags.parse("--node", "n1"), Map.of())
        .onComplete(testContext.succeeding(config -> testContext.verify(() -> {
          assertThat(config).isEqualTo(
              RunefileLoader.resolve(new JsonObject(), ServerFlags.parse("--node", "n1"), Map.of()));
          assertThat(config.listenAddress()).isEqualTo("127.0.0.1:7861");
          testContext.completeNow();
        })));
  }

  @Test
  void missingConfigFileIsAnError(VertxTestContext testContext) {
    Path missing = dir.resolve("nope.toml");
    RunefileLoader.load(vertx, ServerFlags.parse("--config", missing.toString()), Map.of())
        .onComplete(testContext.failing(err -> testContext.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class)
              .hasMessage("runefile " + missing + " (given with --config) does not exist");
          testContext.completeNow();
        })));
  }

  @Test
  void aDirectoryIsNoRunefile(VertxTestContext testContext) {
    RunefileLoader.load(vertx, ServerFlags.parse("--config", dir.toString()), Map.of())
        .onComplete(testContext.failing(err -> testContext.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class)
              .hasMessageStartingWith("runefile " + dir + " could not be read: ");
          testContext.completeNow();
        })));
  }

  @Test
  void tomlSyntaxErrorNamesFileAndLine(VertxTestContext testContext) throws IOException {
    Path file = Files.writeString(dir.resolve("broken.toml"), "[server]\n\nlisten = 127.0.0.1:1\n");
    RunefileLoader.load(vertx, ServerFlags.parse("--config", file.toString()), Map.of())
        .onComplete(testContext.failing(err -> testContext.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class)
              .hasMessageStartingWith("runefile " + file + " is not valid TOML at line 3, column");
          testContext.completeNow();
        })));
  }

  @Test
  void unknownKeyInAFileIsAnError(VertxTestContext testContext) throws IOException {
    Path file = Files.writeString(dir.resolve("typo.toml"), "[watch]\nmaxQueued = 10\n");
    RunefileLoader.load(vertx, ServerFlags.parse("--config", file.toString()), Map.of())
        .onComplete(testContext.failing(err -> testContext.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class)
              .hasMessage("runefile: unknown key 'watch.maxQueued' (known keys in [watch]:"
                  + " bookmarkInterval, maxQueuedEvents)");
          testContext.completeNow();
        })));
  }

  /** The example documents the defaults: loading it must change nothing, in dev mode too. */
  @Test
  void exampleRunefileHoldsTheDefaults(VertxTestContext testContext) {
    ServerFlags plain = ServerFlags.parse("--config", EXAMPLE.toString());
    ServerFlags dev = ServerFlags.parse("--config", EXAMPLE.toString(), "--dev-mode");
    RunefileLoader.load(vertx, plain, Map.of())
        .compose(config -> RunefileLoader.load(vertx, dev, Map.of()).map(devConfig -> {
          testContext.verify(() -> {
            assertThat(config).isEqualTo(
                RunefileLoader.resolve(new JsonObject(), ServerFlags.none(), Map.of()));
            assertThat(devConfig).isEqualTo(
                RunefileLoader.resolve(new JsonObject(), ServerFlags.parse("--dev-mode"), Map.of()));
          });
          return devConfig;
        }))
        .onComplete(testContext.succeedingThenComplete());
  }
}
