package io.rune.storage.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Reads of the nodes of the cluster (every node that ever started against this database). */
public interface NodeDirectory {
  /** Every node, by name, with its readiness and the shards it holds. */
  Future<List<NodeInfo>> list();

  /**
   * This directory read at most once per {@code period} however many ask (the metrics, the
   * controllers' placement and node-local calls, the look for returning nodes): a read in
   * flight is shared, and an answer younger than the period is given again with each
   * heartbeat age brought up to now. A failure too stands for the period: an outage of the
   * database is not asked about by every caller. A directory already read so is returned as it is.
   */
  static NodeDirectory readAtMostEvery(NodeDirectory directory, Duration period) {
    return directory instanceof Shared ? directory : new Shared(directory, period.toNanos());
  }

  /** See {@link #readAtMostEvery}; shared by controllers on several event loops, hence the atomic. */
  final class Shared implements NodeDirectory {
    /** A read of the directory, in flight or done, and when it was asked (System.nanoTime). */
    private record Read(Future<List<NodeInfo>> nodes, long atNanos) {}

    private final NodeDirectory directory;
    private final long periodNanos;
    private final AtomicReference<Read> current = new AtomicReference<>();

    private Shared(NodeDirectory directory, long periodNanos) {
      this.directory = directory;
      this.periodNanos = periodNanos;
    }

    @Override
    public Future<List<NodeInfo>> list() {
      Read latest = current.get();
      long now = System.nanoTime();
      if (latest == null || latest.nodes().isComplete() && now - latest.atNanos() >= periodNanos) {
        Promise<List<NodeInfo>> answer = Promise.promise();
        Read read = new Read(answer.future(), now);
        if (current.compareAndSet(latest, read)) {
          directory.list().onComplete(answer);
        }
        latest = current.get(); // ours, or that of whoever asked at the same moment
      }
      long asked = latest.atNanos();
      return latest.nodes().map(nodes -> aged(nodes, asked));
    }

    private static List<NodeInfo> aged(List<NodeInfo> nodes, long asked) {
      Duration since = Duration.ofNanos(System.nanoTime() - asked);
      return nodes.stream().map(node -> node.agedBy(since)).toList();
    }
  }
}
