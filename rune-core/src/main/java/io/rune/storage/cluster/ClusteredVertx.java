package io.rune.storage.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.rune.storage.config.ConfigException;
import io.rune.storage.config.RuneConfig.Cluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.BindException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clustered {@link Vertx} for one node of CLUSTER.md: Hazelcast for membership, built in
 * code (no hazelcast.xml on the classpath is ever picked up), and an event bus between nodes
 * that is TLS with client certificates, or clear text only when the runefile says so.
 *
 * <p>What crosses which wire: the event bus carries driver calls, whose bodies hold resolved
 * secret values, hence TLS. Hazelcast's own member traffic (not encrypted: that is a
 * Hazelcast Enterprise feature) carries membership and Vert.x's registry of which node
 * consumes which address, never a message body; Rune keeps nothing in Hazelcast's maps.
 */
public final class ClusteredVertx {
  private static final Logger log = LoggerFactory.getLogger(ClusteredVertx.class);

  /** Fixed: nodes tell clusters apart by their member lists, not by name. */
  static final String CLUSTER_NAME = "rune";

  private ClusteredVertx() {}

  /**
   * Builds and joins a clustered Vert.x with {@code options} (metrics and all) on
   * {@code builder}.
   *
   * @return the joined Vert.x, or a failure with a {@link ConfigException} saying what to change
   */
  public static Future<Vertx> start(VertxBuilder builder, VertxOptions options, Cluster cluster) {
    EventBusOptions bus;
    try {
      bus = eventBusOptions(cluster);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return builder.with(options.setEventBusOptions(bus))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(cluster)))
        .buildClustered()
        .recover(err -> Future.failedFuture(explain(err, cluster)));
  }

  /**
   * The event bus: bound to and announced as {@code host}, TLS with client certificates
   * required when {@code [cluster.tls]} is set. Trust-all is never on: a member is a holder
   * of a certificate the trust store trusts (host names are not checked, Vert.x's choice for
   * the bus, so the certificate is the membership).
   *
   * @throws ConfigException when there is no TLS and the runefile does not say insecure
   */
  public static EventBusOptions eventBusOptions(Cluster cluster) {
    EventBusOptions bus = new EventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.host());
    Cluster.Tls tls = cluster.tls();
    if (tls == null) {
      if (!cluster.insecure()) {
        throw new ConfigException("runefile: a clustered node needs [cluster.tls] (keyStore and trustStore, or"
            + " certificate, key and trustCertificate): the event bus carries driver calls with secret values."
            + " To run it in clear text on a network you trust, set 'cluster.insecure' = true");
      }
      log.warn("[cluster] insecure = true: the event bus between nodes is NOT encrypted or authenticated;"
          + " driver calls carry secret values (DigitalOcean tokens ...) in clear text, and anyone who can"
          + " reach port {} on {} can send to it. Configure [cluster.tls] for anything but a trusted network.",
          cluster.eventBusPort() == 0 ? "(chosen at start)" : cluster.eventBusPort(), cluster.host());
      return bus;
    }
    bus.setSsl(true).setTrustAll(false).setClientAuth(ClientAuth.REQUIRED);
    if (tls.keyStore() != null) {
      bus.setKeyCertOptions(new PfxOptions().setPath(tls.keyStore().toString())
              .setPassword(tls.keyStorePassword()))
          .setTrustOptions(new PfxOptions().setPath(tls.trustStore().toString())
              .setPassword(tls.trustStorePassword()));
    } else {
      bus.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certificate().toString())
              .setKeyPath(tls.key().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.trustCertificate().toString()));
    }
    return bus;
  }

  /** Hazelcast for membership only: TCP-IP join to the listed members, nothing discovered. */
  public static Config hazelcastConfig(Cluster cluster) {
    Config config = new Config().setClusterName(CLUSTER_NAME);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Bind to host only, and announce it: not every interface of the machine.
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.socket.bind.any", "false");
    // A dead member is noticed within about 6 s (default: 60 s). Until then Vert.x still
    // routes rune.driver.<driver>.<node> to it and its subscriptions linger; 6 s is well
    // inside the 15 s lease, so the bus agrees with the database about who is gone.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    // Hazelcast batches joins for 5 s by default; ownership is decided in PostgreSQL, so a
    // node need not wait for others to form.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");

    NetworkConfig network = config.getNetworkConfig();
    // A taken port is an error, never a silent move to the next one the others do not list.
    network.setPort(cluster.port()).setPortAutoIncrement(false).setPublicAddress(cluster.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    join.getGcpConfig().setEnabled(false);
    join.getAzureConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    join.getEurekaConfig().setEnabled(false);
    join.getDiscoveryConfig().getDiscoveryStrategyConfigs().clear();
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());

    // What vertx-hazelcast's default-cluster.xml declares, which it relies on: the event
    // bus's subscriptions as a multimap of sets, and its node and HA maps, each with a backup
    // so that a member's death loses none of them.
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.getMapConfig("__vertx.haInfo").setBackupCount(1);
    config.getMapConfig("__vertx.nodeInfo").setBackupCount(1);
    return config;
  }

  /** A port in use, in the operator's words: which key names it. */
  private static Throwable explain(Throwable err, Cluster cluster) {
    for (Throwable cause = err; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("bind has failed")) {
        boolean hazelcast = String.valueOf(err.getMessage()).contains("Hazelcast")
            || err.getClass().getName().startsWith("com.hazelcast");
        String key = hazelcast ? "cluster.port" : "cluster.eventBusPort";
        int port = hazelcast ? cluster.port() : cluster.eventBusPort();
        return new ConfigException("cluster: cannot bind " + cluster.host() + ":" + port + " ('" + key + "'): "
            + cause.getMessage()
            + "; another process uses it: stop it or choose another port", err);
      }
    }
    return new ConfigException("cluster: could not join the cluster on " + cluster.host() + ":" + cluster.port()
        + " (members " + cluster.members() + "): " + err.getMessage(), err);
  }
}
