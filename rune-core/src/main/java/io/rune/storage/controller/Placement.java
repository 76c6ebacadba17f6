package io.rune.storage.controller;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.model.StorageClassSpec.Expression;
import io.rune.storage.model.StorageClassSpec.TopologyTerm;
import io.rune.storage.model.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a node-local volume goes: a candidate node whose labels satisfy both the volume's own
 * {@code topology} (each label equal) and its class's {@code allowedTopologies} (one term
 * whose labels and expressions all hold, as Kubernetes' node affinity reads them: NotIn and
 * DoesNotExist hold for a node without the key). Among the nodes that fit, a volume goes to
 * the one its spread key (its uid) ranks highest (rendezvous hashing): every node computes
 * the same choice, volumes spread evenly, and a node joining or leaving moves only the choices
 * that involve it. A pure decision, so that a cluster needs nothing more than a longer list
 * of candidates.
 */
public final class Placement {
  /** How many nodes a refusal describes before it says "and N more". */
  private static final int NODES_SHOWN = 3;

  private Placement() {}

  /** A node that may take volumes, with its labels ({@value Topology#NODE} among them). */
  public record Node(String name, Map<String, String> labels) {
    public Node {
      Objects.requireNonNull(name, "name");
      Map<String, String> all = new HashMap<>(labels == null ? Map.of() : labels);
      all.put(Topology.NODE, name);
      labels = Map.copyOf(all);
    }

    /**
     * This server as a candidate: {@code [server] labels}, its name as {@value Topology#NODE}
     * and its local volume root as {@value Topology#HOST_PATH_ROOT} (where the local driver's
     * volumes lie). Those two are facts, so they win over labels of the same keys.
     */
    public static Node of(RuneConfig config) {
      Map<String, String> labels = new HashMap<>(config.nodeLabels());
      if (config.storage() != null && config.storage().localVolumeRoot() != null) {
        labels.put(Topology.HOST_PATH_ROOT, config.storage().localVolumeRoot().toAbsolutePath().normalize().toString());
      }
      return new Node(config.node(), labels);
    }
  }

  /**
   * What a volume asks of its node.
   *
   * @param className the volume's class, named in refusals
   * @param topology the volume's own topology labels
   * @param allowed the class's allowedTopologies; empty allows every node
   * @param settled keys already decided for this volume, not by the node (a local-host
   *     volume's {@value Topology#HOST_PATH_ROOT} is its host path's, checked at write time)
   */
  public record Request(String className, Map<String, String> topology, List<TopologyTerm> allowed,
      Set<String> settled) {
    public Request {
      topology = topology == null ? Map.of() : Map.copyOf(topology);
      allowed = allowed == null ? List.of() : List.copyOf(allowed);
      settled = settled == null ? Set.of() : Set.copyOf(settled);
    }
  }

  /** The node chosen, or why none fits. */
  public sealed interface Decision permits Placed, Unmet {}

  public record Placed(Node node) implements Decision {}

  /**
   * @param requirement the unmet label requirement in words, e.g. {@code rune.io/zone=zone-a}
   * @param message the whole explanation: what no node has, where the requirement comes
   *     from, and what the nodes have instead
   */
  public record Unmet(String requirement, String message) implements Decision {}

  /** A requirement a node did not meet, and what the node has for that key. */
  private record Miss(String requirement, String origin, String nodeHas) {}

  /** The first candidate that fits. */
  public static Decision place(List<Node> candidates, Request request) {
    return place(candidates, request, null);
  }

  /**
   * The fitting candidate that {@code spreadKey} ranks highest, or the first fitting one when
   * the key is null.
   */
  public static Decision place(List<Node> candidates, Request request, String spreadKey) {
    if (candidates.isEmpty()) {
      return new Unmet("a node", "no node can take node-local volumes yet");
    }
    Map<Node, Miss> misses = new LinkedHashMap<>();
    Node chosen = null;
    long best = 0;
    for (Node node : candidates) {
      Optional<Miss> miss = firstMiss(node, request);
      if (miss.isPresent()) {
        misses.put(node, miss.get());
        continue;
      }
      if (spreadKey == null) {
        return new Placed(node);
      }
      long rank = rank(spreadKey, node.name());
      if (chosen == null || Long.compareUnsigned(rank, best) > 0) {
        chosen = node;
        best = rank;
      }
    }
    return chosen != null ? new Placed(chosen) : unmet(misses);
  }

  /**
   * The weight of a node for a key: a 64-bit FNV-1a hash of both, finished with a
   * SplitMix64 mix so that keys differing in one character rank nodes independently.
   */
  static long rank(String key, String node) {
    long h = 0xcbf29ce484222325L;
    String both = key + '\0' + node;
    for (int i = 0; i < both.length(); i++) {
      h ^= both.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  private static Unmet unmet(Map<Node, Miss> misses) {
    Set<String> requirements = misses.values().stream().map(Miss::requirement)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    List<String> nodes = new ArrayList<>();
    for (Map.Entry<Node, Miss> e : misses.entrySet()) {
      if (nodes.size() == NODES_SHOWN) {
        nodes.add("and " + (misses.size() - NODES_SHOWN) + " more");
        break;
      }
      Miss miss = e.getValue();
      nodes.add("node " + e.getKey().name() + " has " + miss.nodeHas()
          + (requirements.size() > 1 ? " (needs " + miss.requirement() + ")" : ""));
    }
    Miss first = misses.values().iterator().next();
    if (requirements.size() == 1) {
      return new Unmet(first.requirement(), "no node has " + first.requirement()
          + (first.origin() == null ? "" : " (" + first.origin() + ")") + "; " + String.join(", ", nodes));
    }
    return new Unmet(String.join(" or ", requirements), "no node meets every topology requirement; "
        + String.join(", ", nodes));
  }

  private static Optional<Miss> firstMiss(Node node, Request request) {
    Map<String, String> labels = node.labels();
    for (Map.Entry<String, String> wanted : new java.util.TreeMap<>(request.topology()).entrySet()) {
      String key = wanted.getKey();
      if (!request.settled().contains(key) && !wanted.getValue().equals(labels.get(key))) {
        return Optional.of(new Miss(key + "=" + wanted.getValue(), "the volume's topology asks for it",
            has(labels, key)));
      }
    }
    if (request.allowed().isEmpty()) {
      return Optional.empty();
    }
    List<Miss> termMisses = new ArrayList<>();
    for (TopologyTerm term : request.allowed()) {
      Optional<Miss> miss = termMiss(term, labels, request.settled());
      if (miss.isEmpty()) {
        return Optional.empty();
      }
      termMisses.add(miss.get());
    }
    String origin = "class " + request.className() + " allows " + request.allowed().stream()
        .map(Placement::describe).collect(Collectors.joining(" or "));
    if (termMisses.size() == 1) {
      Miss only = termMisses.get(0);
      return Optional.of(new Miss(only.requirement(), origin, only.nodeHas()));
    }
    return Optional.of(new Miss(termMisses.stream().map(Miss::requirement).distinct()
        .collect(Collectors.joining(" or ")), origin, termMisses.stream().map(Miss::nodeHas).distinct()
        .collect(Collectors.joining(", "))));
  }

  /** The first requirement of one allowedTopologies term that the labels do not meet. */
  private static Optional<Miss> termMiss(TopologyTerm term, Map<String, String> labels, Set<String> settled) {
    if (term.matchLabels() != null) {
      for (Map.Entry<String, String> wanted : new java.util.TreeMap<>(term.matchLabels()).entrySet()) {
        String key = wanted.getKey();
        if (!settled.contains(key) && !wanted.getValue().equals(labels.get(key))) {
          return Optional.of(new Miss(key + "=" + wanted.getValue(), null, has(labels, key)));
        }
      }
    }
    for (Expression e : term.matchExpressions() == null ? List.<Expression>of() : term.matchExpressions()) {
      if (settled.contains(e.key())) {
        continue;
      }
      String value = labels.get(e.key());
      boolean holds = switch (e.operator()) {
        case "In" -> value != null && e.values().contains(value);
        case "NotIn" -> value == null || !e.values().contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> false; // the API admits no other operator
      };
      if (!holds) {
        return Optional.of(new Miss(wanted(e), null, has(labels, e.key())));
      }
    }
    return Optional.empty();
  }

  /** What an expression asks a node to have, in words that follow "no node has". */
  private static String wanted(Expression e) {
    return switch (e.operator()) {
      case "In" -> e.values().size() == 1 ? e.key() + "=" + e.values().get(0) : e.key() + " in " + e.values();
      case "NotIn" -> e.key() + " outside " + e.values();
      case "Exists" -> "the label " + e.key();
      default -> e.key() + " unset";
    };
  }

  /** An allowedTopologies term as a reader would write it: {@code rune.io/zone in [zone-a]}. */
  private static String describe(TopologyTerm term) {
    List<String> parts = new ArrayList<>();
    if (term.matchLabels() != null) {
      new java.util.TreeMap<>(term.matchLabels()).forEach((k, v) -> parts.add(k + "=" + v));
    }
    for (Expression e : term.matchExpressions() == null ? List.<Expression>of() : term.matchExpressions()) {
      parts.add(switch (e.operator()) {
        case "In" -> e.key() + " in " + e.values();
        case "NotIn" -> e.key() + " not in " + e.values();
        case "Exists" -> e.key() + " present";
        default -> e.key() + " absent";
      });
    }
    return String.join(", ", parts);
  }

  private static String has(Map<String, String> labels, String key) {
    String value = labels.get(key);
    return value == null ? "no " + key : key + "=" + value;
  }
}
