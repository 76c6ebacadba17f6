package io.rune.storage.model;

import java.util.List;
import java.util.Map;

/**
 * Whether a requested placement fits a class's allowedTopologies. A term is one allowed
 * alternative; a requested label that a term constrains must satisfy it, while a key the
 * volume leaves open is left to placement, which will honour the term.
 */
public final class Topology {
  private Topology() {}

  public static boolean allows(List<StorageClassSpec.TopologyTerm> allowed, Map<String, String> requested) {
    if (allowed == null || allowed.isEmpty() || requested == null || requested.isEmpty()) {
      return true;
    }
    return allowed.stream().anyMatch(term -> matches(term, requested));
  }

  private static boolean matches(StorageClassSpec.TopologyTerm term, Map<String, String> requested) {
    if (term.matchLabels() != null) {
      for (Map.Entry<String, String> label : term.matchLabels().entrySet()) {
        String value = requested.get(label.getKey());
        if (value != null && !value.equals(label.getValue())) {
          return false;
        }
      }
    }
    if (term.matchExpressions() != null) {
      for (StorageClassSpec.Expression e : term.matchExpressions()) {
        String value = requested.get(e.key());
        boolean ok = switch (e.operator()) {
          case "In" -> value == null || e.values().contains(value);
          case "NotIn" -> value == null || !e.values().contains(value);
          case "DoesNotExist" -> value == null;
          default -> true; // Exists: placement supplies the key
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
