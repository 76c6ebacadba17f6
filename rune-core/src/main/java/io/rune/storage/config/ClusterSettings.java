package io.rune.storage.config;

import io.rune.storage.config.RuneConfig.Cluster;
import io.rune.storage.config.RunefileLoader.Layers;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads {@code [cluster]} and {@code [cluster.tls]} of the runefile into {@link Cluster}. Only
 * the runefile sets them: each node of a cluster has its own file (CLUSTER.md).
 */
final class ClusterSettings {

  private ClusterSettings() {}

  static Cluster resolve(Layers in) {
    Cluster defaults = Cluster.DISABLED;
    String host = in.pick("cluster.host").map(ClusterSettings::host).orElse(defaults.host());
    Cluster cluster = new Cluster(
        in.pick("cluster.enabled").map(Setting::bool).orElse(false),
        host,
        in.pick("cluster.port").map(s -> s.integer(1, 65535)).orElse(defaults.port()),
        in.pick("cluster.eventBusPort").map(s -> s.integer(0, 65535)).orElse(defaults.eventBusPort()),
        in.pick("cluster.members").map(ClusterSettings::members).orElse(List.of()),
        in.pick("cluster.leaseDuration").map(Setting::positiveDuration).orElse(defaults.leaseDuration()),
        in.pick("cluster.renewDeadline").map(Setting::positiveDuration).orElse(defaults.renewDeadline()),
        in.pick("cluster.retryPeriod").map(Setting::positiveDuration).orElse(defaults.retryPeriod()),
        in.pick("cluster.insecure").map(Setting::bool).orElse(false),
        tls(in));
    // A holder must stop working before its lease can pass to another node, and must try
    // to renew more than once before it gives up: otherwise two nodes work one shard.
    shorter("cluster.renewDeadline", cluster.renewDeadline(), "cluster.leaseDuration", cluster.leaseDuration());
    shorter("cluster.retryPeriod", cluster.retryPeriod(), "cluster.renewDeadline", cluster.renewDeadline());
    if (cluster.insecure() && cluster.tls() != null) {
      throw new ConfigException("runefile: 'cluster.insecure' = true contradicts [cluster.tls]: remove"
          + " 'insecure' to encrypt the event bus, or the [cluster.tls] table to run it in clear text");
    }
    return cluster;
  }

  private static void shorter(String key, Duration value, String otherKey, Duration other) {
    if (value.compareTo(other) >= 0) {
      throw new ConfigException("runefile: '" + key + "' (" + value + ") must be shorter than '"
          + otherKey + "' (" + other + ")");
    }
  }

  /** An address other nodes reach this one at: it is announced as well as bound. */
  private static String host(Setting setting) {
    String host = setting.string();
    String asListen = host.contains(":") ? "[" + host + "]:1" : host + ":1";
    if (ListenAddress.parse(asListen).isEmpty()) {
      throw new ConfigException(setting.source() + " must be a host name or IP address, got \"" + host + "\"");
    }
    if (host.equals("0.0.0.0") || host.equals("::")) {
      throw new ConfigException(setting.source() + " must be an address the other nodes can reach (it is"
          + " announced to them), not the wildcard \"" + host + "\"");
    }
    return host;
  }

  private static List<String> members(Setting setting) {
    List<String> members = new ArrayList<>();
    for (Object member : (JsonArray) setting.value()) {
      String text = (String) member;
      Optional<ListenAddress> address = ListenAddress.parse(text);
      if (address.isEmpty() || address.get().port() == 0) {
        throw new ConfigException(setting.source() + " must list members as HOST:PORT (Hazelcast's port,"
            + " 1 to 65535; IPv6 as [::1]:5701), got \"" + text + "\"");
      }
      members.add(text);
    }
    return members;
  }

  /**
   * {@code [cluster.tls]}: PKCS#12 stores with their passwords, or PEM files; never a mix,
   * never half of either, and every file readable now rather than at the first connection.
   */
  private static Cluster.Tls tls(Layers in) {
    Optional<Path> keyStore = file(in, "keyStore");
    Optional<Path> trustStore = file(in, "trustStore");
    Optional<String> keyStorePassword = in.pick("cluster.tls.keyStorePassword").map(Setting::string);
    Optional<String> trustStorePassword = in.pick("cluster.tls.trustStorePassword").map(Setting::string);
    Optional<Path> certificate = file(in, "certificate");
    Optional<Path> key = file(in, "key");
    Optional<Path> trustCertificate = file(in, "trustCertificate");
    boolean stores = Stream.of(keyStore, trustStore, keyStorePassword, trustStorePassword)
        .anyMatch(Optional::isPresent);
    boolean pem = Stream.of(certificate, key, trustCertificate).anyMatch(Optional::isPresent);
    if (!stores && !pem) {
      return null;
    }
    if (stores && pem) {
      throw new ConfigException("runefile: [cluster.tls] takes either keyStore and trustStore (PKCS#12, with"
          + " their passwords) or certificate, key and trustCertificate (PEM files), not both");
    }
    if (stores) {
      require(keyStore, "keyStore", "the stores");
      require(keyStorePassword, "keyStorePassword", "the stores");
      require(trustStore, "trustStore", "the stores");
      require(trustStorePassword, "trustStorePassword", "the stores");
    } else {
      require(certificate, "certificate", "PEM files");
      require(key, "key", "PEM files");
      require(trustCertificate, "trustCertificate", "PEM files");
    }
    return new Cluster.Tls(keyStore.orElse(null), keyStorePassword.orElse(null), trustStore.orElse(null),
        trustStorePassword.orElse(null), certificate.orElse(null), key.orElse(null), trustCertificate.orElse(null));
  }

  private static void require(Optional<?> value, String key, String kind) {
    if (value.isEmpty()) {
      throw new ConfigException("runefile: [cluster.tls] with " + kind + " needs '" + key + "' too");
    }
  }

  private static Optional<Path> file(Layers in, String name) {
    return in.pick("cluster.tls." + name).map(setting -> {
      Path path = setting.absolutePath();
      if (!Files.isRegularFile(path)) {
        throw new ConfigException(setting.source() + ": " + path + " does not exist or is not a file");
      }
      if (!Files.isReadable(path)) {
        throw new ConfigException(setting.source() + ": " + path + " cannot be read by this user");
      }
      return path;
    });
  }
}
