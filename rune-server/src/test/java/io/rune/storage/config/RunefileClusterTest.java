package io.rune.storage.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.config.RuneConfig.Cluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [cluster]} and {@code [cluster.tls]} of the runefile, and each refusal. */
class RunefileClusterTest {

  @TempDir
  Path dir;

  private static JsonObject toml(String text) {
    return new TomlConfigProcessor().process(null, null, Buffer.buffer(text)).result();
  }

  private static Cluster cluster(String runefile) {
    return RunefileLoader.resolve(toml(runefile), ServerFlags.none(), Map.of(), () -> "testhost").cluster();
  }

  private static void refused(String runefile, String message) {
    assertThatThrownBy(() -> cluster(runefile)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  private Path file(String name) throws IOException {
    return Files.writeString(dir.resolve(name), "material of " + name);
  }

  @Test
  void withoutTheTableTheClusterIsDisabledWithTheKubernetesStyleTimings() {
    assertThat(cluster("")).isEqualTo(Cluster.DISABLED);
    assertThat(Cluster.DISABLED.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void everyKeyIsRead() throws IOException {
    Path keyStore = file("node-a.p12");
    Path trustStore = file("trust.p12");
    Cluster cluster = cluster("""
        [cluster]
        enabled = true
        host = "10.0.0.7"
        port = 5801
        eventBusPort = 5901
        members = ["10.0.0.7:5801", "10.0.0.8:5801", "[fd00::9]:5801"]
        leaseDuration = "30s"
        renewDeadline = "20s"
        retryPeriod = "500ms"
        [cluster.tls]
        keyStore = "%s"
        keyStorePassword = "k-secret"
        trustStore = "%s"
        trustStorePassword = "t-secret"
        """.formatted(keyStore, trustStore));
    assertThat(cluster).isEqualTo(new Cluster(true, "10.0.0.7", 5801, 5901,
        List.of("10.0.0.7:5801", "10.0.0.8:5801", "[fd00::9]:5801"), Duration.ofSeconds(30),
        Duration.ofSeconds(20), Duration.ofMillis(500), false,
        new Cluster.Tls(keyStore, "k-secret", trustStore, "t-secret", null, null, null)));
  }

  @Test
  void pemFilesAreTheOtherWayToGiveTls() throws IOException {
    Path certificate = file("node.crt");
    Path key = file("node.key");
    Path ca = file("ca.crt");
    Cluster cluster = cluster("[cluster]\nenabled = true\n[cluster.tls]\ncertificate = \"%s\"\nkey = \"%s\"\n"
        .formatted(certificate, key) + "trustCertificate = \"" + ca + "\"\n");
    assertThat(cluster.tls()).isEqualTo(new Cluster.Tls(null, null, null, null, certificate, key, ca));
    assertThat(cluster.insecure()).isFalse();
  }

  @Test
  void insecureIsReadAndContradictsTls() throws IOException {
    assertThat(cluster("[cluster]\nenabled = true\ninsecure = true\n").insecure()).isTrue();
    Path certificate = file("node.crt");
    refused("[cluster]\ninsecure = true\n[cluster.tls]\ncertificate = \"%s\"\nkey = \"%s\"\ntrustCertificate = \"%s\"\n"
            .formatted(certificate, certificate, certificate),
        "runefile: 'cluster.insecure' = true contradicts [cluster.tls]: remove 'insecure' to encrypt the event bus,"
            + " or the [cluster.tls] table to run it in clear text");
  }

  @Test
  void leaseTimingsMustNest() {
    refused("[cluster]\nrenewDeadline = \"15s\"\n",
        "runefile: 'cluster.renewDeadline' (PT15S) must be shorter than 'cluster.leaseDuration' (PT15S)");
    refused("[cluster]\nleaseDuration = \"5s\"\n",
        "runefile: 'cluster.renewDeadline' (PT10S) must be shorter than 'cluster.leaseDuration' (PT5S)");
    refused("[cluster]\nretryPeriod = \"10s\"\n",
        "runefile: 'cluster.retryPeriod' (PT10S) must be shorter than 'cluster.renewDeadline' (PT10S)");
    refused("[cluster]\nretryPeriod = \"0s\"\n", "runefile: 'cluster.retryPeriod' must be a positive duration, got \"0s\"");
  }

  @Test
  void membersAreHostAndPort() {
    refused("[cluster]\nmembers = [\"10.0.0.8\"]\n", "runefile: 'cluster.members' must list members as HOST:PORT"
        + " (Hazelcast's port, 1 to 65535; IPv6 as [::1]:5701), got \"10.0.0.8\"");
    refused("[cluster]\nmembers = [\"10.0.0.8:0\"]\n", "runefile: 'cluster.members' must list members as HOST:PORT"
        + " (Hazelcast's port, 1 to 65535; IPv6 as [::1]:5701), got \"10.0.0.8:0\"");
    refused("[cluster]\nmembers = \"10.0.0.8:5701\"\n",
        "runefile: 'cluster.members' must be an array of strings, got string \"10.0.0.8:5701\"");
  }

  @Test
  void hostAndPortsAreChecked() {
    refused("[cluster]\nhost = \"0.0.0.0\"\n", "runefile: 'cluster.host' must be an address the other nodes can"
        + " reach (it is announced to them), not the wildcard \"0.0.0.0\"");
    refused("[cluster]\nhost = \"a b\"\n", "runefile: 'cluster.host' must be a host name or IP address, got \"a b\"");
    refused("[cluster]\nport = 0\n", "runefile: 'cluster.port' must be an integer from 1 to 65535, got 0");
    refused("[cluster]\neventBusPort = 70000\n",
        "runefile: 'cluster.eventBusPort' must be an integer from 0 to 65535, got 70000");
  }

  @Test
  void unknownKeysOfEitherTableAreErrors() {
    refused("[cluster]\nmember = []\n", "runefile: unknown key 'cluster.member' (known keys in [cluster]: enabled,"
        + " host, port, eventBusPort, members, leaseDuration, renewDeadline, retryPeriod, insecure, tls)");
    refused("[cluster.tls]\nkeystore = \"/x\"\n", "runefile: unknown key 'cluster.tls.keystore' (known keys in"
        + " [cluster.tls]: keyStore, keyStorePassword, trustStore, trustStorePassword, certificate, key, trustCertificate)");
    refused("[cluster]\ntls = \"on\"\n", "runefile: 'cluster.tls' must be a table, got string \"on\"");
  }

  @Test
  void tlsIsEitherBothStoresWithPasswordsOrThreePemFiles() throws IOException {
    Path store = file("node.p12");
    Path pem = file("node.crt");
    refused("[cluster.tls]\nkeyStore = \"%s\"\nkeyStorePassword = \"p\"\n".formatted(store),
        "runefile: [cluster.tls] with the stores needs 'trustStore' too");
    refused("[cluster.tls]\nkeyStore = \"%s\"\ntrustStore = \"%s\"\ntrustStorePassword = \"p\"\n".formatted(store, store),
        "runefile: [cluster.tls] with the stores needs 'keyStorePassword' too");
    refused("[cluster.tls]\ncertificate = \"%s\"\nkey = \"%s\"\n".formatted(pem, pem),
        "runefile: [cluster.tls] with PEM files needs 'trustCertificate' too");
    refused("[cluster.tls]\nkeyStore = \"%s\"\ncertificate = \"%s\"\n".formatted(store, pem),
        "runefile: [cluster.tls] takes either keyStore and trustStore (PKCS#12, with their passwords) or"
            + " certificate, key and trustCertificate (PEM files), not both");
  }

  @Test
  void tlsFilesMustExist() throws IOException {
    Path missing = dir.resolve("missing.p12");
    refused("[cluster.tls]\nkeyStore = \"%s\"\n".formatted(missing),
        "runefile: 'cluster.tls.keyStore': " + missing + " does not exist or is not a file");
    refused("[cluster.tls]\ntrustCertificate = \"ca.crt\"\n",
        "runefile: 'cluster.tls.trustCertificate' must be an absolute path (\"~/\" may start it), got \"ca.crt\"");
  }
}
