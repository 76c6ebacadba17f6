package io.rune.storage;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rune.storage.cluster.ClusteredVertx;
import io.rune.storage.config.RuneConfig.Cluster;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Real {@code bin/runed} processes in clustered mode: what they refuse to start with, and
 * the TLS event bus, which a host JVM joins with a trusted certificate (its requests need a
 * token) and a member with an untrusted one cannot use at all.
 */
class ClusterSecurityIT {

  private static final String PASSWORD = "test-pass";

  @Test
  void refusesTheEmbeddedDatabaseAndAClearTextBusUnlessInsecureIsSaid() throws Exception {
    Path embeddedHome = TestServer.tempDir("cluster-embedded");
    Path clearHome = TestServer.tempDir("cluster-clear");
    Path insecureHome = TestServer.tempDir("cluster-insecure");
    // Three processes at once: each pays the JVM's start, not one after the other.
    Process embedded = runed(embeddedHome, "[cluster]\nenabled = true\ninsecure = true\n" + clusterKeys(), null);
    Process clear = runed(clearHome, "[cluster]\nenabled = true\n" + clusterKeys(), "cluster_clear");
    Process insecure = runed(insecureHome, "[cluster]\nenabled = true\ninsecure = true\n" + clusterKeys(),
        "cluster_insecure");
    try {
      CompletableFuture<String> embeddedErr = stderr(embedded);
      CompletableFuture<String> clearErr = stderr(clear);
      assertThat(embedded.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(clear.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(embedded.exitValue()).isEqualTo(1);
      assertThat(embeddedErr.get(5, TimeUnit.SECONDS)).contains("runed: could not start: runefile: a clustered node"
          + " needs [store] url: an external PostgreSQL shared by all nodes");
      assertThat(clear.exitValue()).isEqualTo(1);
      assertThat(clearErr.get(5, TimeUnit.SECONDS)).contains("runed: could not start: runefile: a clustered node"
          + " needs [cluster.tls]").contains("set 'cluster.insecure' = true");
      assertThat(embeddedHome.resolve("data/pg")).as("no embedded database was made").doesNotExist();

      Matcher ready = RunedProcess.awaitReady(insecure);
      assertThat(new Http(RunedProcess.checkedBaseUrl(insecure, ready), null).get("/healthz").status()).isEqualTo(200);
      assertThat(RunedProcess.log(insecure)).contains("WARN").contains("the event bus between nodes is NOT encrypted")
          .contains("in clear text");
    } finally {
      RunedProcess.stop(embedded);
      RunedProcess.stop(clear);
      RunedProcess.stop(insecure);
    }
  }

  @Test
  void aTlsBusServesATrustedHostWithATokenAndNoUntrustedMember() throws Exception {
    Path pki = TestServer.tempDir("cluster-pki");
    Path home = TestServer.tempDir("cluster-tls");
    // The node, the host JVM and a rogue: each its own self-signed certificate. The cluster's
    // trust store holds the node's and the host's; the rogue trusts the node, not the other way.
    Path nodeStore = keyPair(pki, "node");
    Path hostStore = keyPair(pki, "host");
    Path rogueStore = keyPair(pki, "rogue");
    Path trust = trustStore(pki, "cluster-trust", "node", "host");
    Path rogueTrust = trustStore(pki, "rogue-trust", "node");

    int nodePort = RunedProcess.freePort();
    int hostPort = RunedProcess.freePort();
    int roguePort = RunedProcess.freePort();
    List<String> members = List.of("127.0.0.1:" + nodePort);
    Process node = runed(home, """
        [cluster]
        enabled = true
        host = "127.0.0.1"
        port = %d
        members = ["127.0.0.1:%d"]
        [cluster.tls]
        keyStore = "%s"
        keyStorePassword = "%s"
        trustStore = "%s"
        trustStorePassword = "%s"
        """.formatted(nodePort, nodePort, nodeStore, PASSWORD, trust, PASSWORD), "cluster_tls");
    Vertx host = null;
    Vertx rogue = null;
    try {
      Matcher ready = RunedProcess.awaitReady(node);
      Http admin = new Http(RunedProcess.checkedBaseUrl(node, ready),
          Files.readString(home.resolve("data/admin.token")).trim());
      assertThat(RunedProcess.log(node)).doesNotContain("NOT encrypted");

      Future<Vertx> hostStart = ClusteredVertx.start(Vertx.builder(), new VertxOptions(),
          member(hostPort, members, hostStore, trust));
      Future<Vertx> rogueStart = ClusteredVertx.start(Vertx.builder(), new VertxOptions(),
          member(roguePort, members, rogueStore, rogueTrust));
      await(Future.join(hostStart, rogueStart));
      host = hostStart.result();
      rogue = rogueStart.result();

      Vertx joined = host;
      // The host learns of the node's consumers through Hazelcast, a moment after joining.
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> await(joined.eventBus()
          .request("rune.api.storageclasses.list", new JsonObject(), withToken(admin.token()))).body() != null);

      JsonObject created = (JsonObject) await(host.eventBus().request("rune.api.volumes.create",
          volume("from-host"), withToken(admin.token()))).body();
      assertThat(created.getString("name")).isEqualTo("from-host");
      assertThat(admin.get("/api/v1/namespaces/apps/volumes/from-host").status()).isEqualTo(200);

      Throwable noToken = catchThrowable(() -> await(joined.eventBus().request("rune.api.volumes.create",
          volume("tokenless"))));
      assertThat(noToken.getCause()).isInstanceOf(ReplyException.class);
      ReplyException refused = (ReplyException) noToken.getCause();
      assertThat(refused.failureCode()).as("another member is never trusted-local").isEqualTo(401);
      assertThat(new JsonObject(refused.getMessage()).getJsonObject("error").getString("code"))
          .isEqualTo("Unauthenticated");

      Vertx untrusted = rogue;
      Throwable rogueFailure = catchThrowable(() -> await(untrusted.eventBus().request("rune.api.volumes.create",
          volume("from-rogue"), withToken(admin.token()).setSendTimeout(5000))));
      assertThat(rogueFailure).as("the untrusted member gets no answer").isNotNull();
      assertThat(rogueFailure.getCause()).isInstanceOf(ReplyException.class);
      assertThat(admin.get("/api/v1/namespaces/apps/volumes/from-rogue").status()).as("nothing was created")
          .isEqualTo(404);
      assertThat(admin.get("/api/v1/namespaces/apps/volumes/tokenless").status()).isEqualTo(404);
    } finally {
      List<Future<Void>> closing = new ArrayList<>();
      if (host != null) {
        closing.add(host.close());
      }
      if (rogue != null) {
        closing.add(rogue.close());
      }
      await(Future.join(closing));
      RunedProcess.stop(node);
    }
  }

  private static DeliveryOptions withToken(String token) {
    return new DeliveryOptions().addHeader("token", token);
  }

  private static JsonObject volume(String name) {
    return new JsonObject().put("namespace", "apps").put("object", new JsonObject().put("name", name).put("size", "1Gi"));
  }

  private static Cluster member(int port, List<String> members, Path keyStore, Path trustStore) {
    return new Cluster(true, "127.0.0.1", port, 0, members, Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(2), false, new Cluster.Tls(keyStore, PASSWORD, trustStore, PASSWORD, null, null, null));
  }

  /** Hazelcast on a free port of 127.0.0.1, listing only itself. */
  private static String clusterKeys() throws IOException {
    int port = RunedProcess.freePort();
    return "host = \"127.0.0.1\"\nport = %d\nmembers = [\"127.0.0.1:%d\"]\n".formatted(port, port);
  }

  /**
   * bin/runed with a runefile under {@code home}: data in home/data, the API on a free port,
   * and a fresh database of the test PostgreSQL ({@code database} null: the embedded default).
   */
  private static Process runed(Path home, String cluster, String database) throws IOException {
    String store = database == null ? "" : "[store]\nurl = \"" + TestPostgres.newDatabaseUrl(database) + "\"\n";
    Path runefile = Files.writeString(home.resolve("runefile.toml"), """
        [server]
        listen = "127.0.0.1:0"
        dataDir = "%s"
        node = "%s"
        [storage]
        localVolumeRoot = "%s"
        """.formatted(home.resolve("data"), "n-" + home.getFileName().toString().replaceAll("[^a-z0-9]", "")
            .substring(0, 12), home.resolve("volumes")) + store + cluster);
    return RunedProcess.start(home, List.of("--config", runefile.toString()), null, "");
  }

  private static CompletableFuture<String> stderr(Process process) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  /** A PKCS#12 key store with a new self-signed EC certificate named {@code name}. */
  private static Path keyPair(Path dir, String name) throws Exception {
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "2", "-ext", "SAN=ip:127.0.0.1", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD,
        "-file", dir.resolve(name + ".crt").toString());
    return store;
  }

  /** A PKCS#12 trust store of the certificates of {@code names}. */
  private static Path trustStore(Path dir, String file, String... names) throws Exception {
    Path store = dir.resolve(file + ".p12");
    for (String name : names) {
      keytool("-importcert", "-noprompt", "-alias", name, "-file", dir.resolve(name + ".crt").toString(),
          "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }
    return store;
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as("keytool " + String.join(" ", args) + ": " + output).isZero();
  }
}
