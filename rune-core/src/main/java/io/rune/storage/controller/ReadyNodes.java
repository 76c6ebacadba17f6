package io.rune.storage.controller;

import io.rune.storage.cluster.NodeDirectory;
import io.rune.storage.cluster.NodeInfo;
import io.rune.storage.driver.runtime.RemoteDriver;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of the cluster as placement and node-local calls need them: the directory's
 * answer, read at most once per refresh period however many volumes ask (a burst of 300 new
 * volumes reads the table once), and which nodes turned Ready since the previous read. Shared
 * by the controllers of every kind, which run on different event loops: hence the atomics.
 */
final class ReadyNodes implements RemoteDriver.NodeLiveness {
  private static final Logger log = LoggerFactory.getLogger(ReadyNodes.class);

  private final NodeDirectory directory;
  private final Placement.Node self;
  /** The last answer that arrived, for the questions that cannot wait (is node b back?). */
  private volatile Answer lastGood;
  /** The failed read last warned of: every caller of the period shares it, one warning does. */
  private volatile Throwable warned;
  /** The Ready nodes at the last refresh, with when each started. */
  private volatile Map<String, Instant> readyAtLastRefresh = Map.of();
  /** Nodes that did not answer a call, since when (monotonic clock), until one answers again. */
  private final Map<String, Long> unansweredSince = new ConcurrentHashMap<>();

  /** One answer of the directory, and when it was asked by this JVM's monotonic clock. */
  private record Answer(List<NodeInfo> nodes, long atNanos) {}

  /**
   * @param directory the nodes table, read at most once per period however many ask
   *     ({@link NodeDirectory#readAtMostEvery})
   * @param self this node as a candidate, with its labels from its configuration
   */
  ReadyNodes(NodeDirectory directory, Placement.Node self) {
    this.directory = directory;
    this.self = self;
  }

  /** This node alone: no directory lists any other. */
  static ReadyNodes alone(Placement.Node self) {
    return new ReadyNodes(() -> Future.succeededFuture(List.of()), self);
  }

  String selfName() {
    return self.name();
  }

  /**
   * The candidates for a new node-local volume: every Ready node with its labels, and this
   * node (which is running, whatever its heartbeat says) with the labels of its configuration
   * over those of its row.
   */
  Future<List<Placement.Node>> candidates() {
    return answer().map(answer -> {
      List<Placement.Node> candidates = new ArrayList<>();
      Placement.Node me = self;
      for (NodeInfo node : answer.nodes()) {
        if (node.name().equals(self.name())) {
          Map<String, String> labels = new HashMap<>(node.labels());
          labels.putAll(self.labels());
          me = new Placement.Node(self.name(), labels);
        } else if (node.ready()) {
          candidates.add(new Placement.Node(node.name(), node.labels()));
        }
      }
      candidates.add(0, me);
      return candidates;
    });
  }

  /**
   * The node as the directory last listed it, its heartbeat age brought up to now; null for
   * this node itself and for a node the directory does not list.
   */
  @Override
  public Future<NodeInfo> of(String name) {
    if (self.name().equals(name)) {
      return Future.succeededFuture(null);
    }
    return answer().map(answer -> {
      for (NodeInfo node : answer.nodes()) {
        if (node.name().equals(name)) {
          return node.agedBy(Duration.ofNanos(System.nanoTime() - answer.atNanos()));
        }
      }
      return null;
    });
  }

  @Override
  public Duration silence(NodeInfo node) {
    long now = System.nanoTime();
    Duration unanswered = Duration.ofNanos(now - unansweredSince.computeIfAbsent(node.name(), n -> now));
    return unanswered.compareTo(node.heartbeatAge()) > 0 ? unanswered : node.heartbeatAge();
  }

  @Override
  public void answered(String node) {
    unansweredSince.remove(node);
  }

  /**
   * Whether a wait for {@code name} is over: the last answer that arrived says it is Ready,
   * and it has not failed to answer a call since it turned Ready (a node whose heartbeat is
   * fresh but whose bus does not answer keeps its backoff). It reads nothing.
   */
  boolean waitOver(String name) {
    Answer answer = lastGood;
    if (answer == null || name == null || unansweredSince.containsKey(name)) {
      return false;
    }
    return answer.nodes().stream().anyMatch(n -> n.name().equals(name) && n.ready());
  }

  /**
   * Reads the directory (an answer of this period at most), and says which nodes are back since the previous refresh: turned
   * Ready, or started again (nodes Ready at the first count count too: what waits for them may
   * go at once). What they failed to answer before is forgotten. One caller (the periodic
   * check) refreshes; other reads in between do not hide a return from it.
   */
  Future<Set<String>> refresh() {
    return answer().map(answer -> {
      Map<String, Instant> ready = new HashMap<>();
      answer.nodes().stream().filter(n -> n.ready() && !n.name().equals(self.name()))
          .forEach(n -> ready.put(n.name(), n.startedAt()));
      Set<String> back = new HashSet<>();
      ready.forEach((name, startedAt) -> {
        if (!startedAt.equals(readyAtLastRefresh.get(name))) {
          back.add(name);
          unansweredSince.remove(name);
        }
      });
      readyAtLastRefresh = ready;
      return back;
    });
  }

  /** The directory's answer (read at most once per period, see Controllers), or the last one that came. */
  private Future<Answer> answer() {
    long asked = System.nanoTime();
    return directory.list().map(nodes -> {
      Answer read = new Answer(nodes, asked);
      lastGood = read;
      return read;
    }).recover(err -> {
      Answer good = lastGood;
      if (good == null) {
        return Future.failedFuture(err);
      }
      if (warned != err) {
        warned = err;
        log.warn("Could not read the nodes table; using its answer of {} ms ago: {}",
            (System.nanoTime() - good.atNanos()) / 1_000_000, err.getMessage());
      }
      return Future.succeededFuture(good);
    });
  }
}
