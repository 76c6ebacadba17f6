package io.rune.storage.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Topology labels and whether a requested placement fits a class's allowedTopologies. A term
 * is one allowed alternative; a requested label that a term constrains must satisfy it, while
 * a key the volume leaves open is left to placement, which will honour the term.
 */
public final class Topology {
  /** The node a node-local volume lives on; every node has it, with its own name. */
  public static final String NODE = "rune.io/node";
  /** The directory a volume's storage lies under: its value is an absolute path, not a label value. */
  public static final String HOST_PATH_ROOT = "rune.io/host-path-root";
  /** Long enough for any real directory, short enough that a topology stays small. */
  private static final int MAX_PATH_LENGTH = 1024;

  private Topology() {}

  public static boolean allows(List<StorageClassSpec.TopologyTerm> allowed, Map<String, String> requested) {
    if (allowed == null || allowed.isEmpty() || requested == null || requested.isEmpty()) {
      return true;
    }
    return allowed.stream().anyMatch(term -> matches(term, requested));
  }

  /**
   * Checks topology labels as label rules say, except {@value #HOST_PATH_ROOT}, whose value
   * is a path: absolute and normalised. A failure names {@code field}.
   *
   * @throws ValidationException with code Invalid
   */
  public static void checkLabels(String field, Map<String, String> labels) {
    if (labels == null) {
      return;
    }
    Map<String, String> rest = new HashMap<>(labels);
    if (rest.containsKey(HOST_PATH_ROOT)) {
      checkRootPath(field, rest.remove(HOST_PATH_ROOT));
    }
    LabelSelector.checkLabels(field, rest);
  }

  /**
   * Checks a value of {@value #HOST_PATH_ROOT}: an absolute path written in its normal form
   * (no {@code .} or {@code ..} components, no {@code //}, no trailing {@code /}), so that
   * comparing two roots as strings compares the directories.
   *
   * @throws ValidationException with code Invalid and {@code field}
   */
  public static void checkRootPath(String field, String value) {
    String what = field + " " + HOST_PATH_ROOT;
    if (value == null || value.isEmpty()) {
      throw ValidationException.invalid(field, what + " needs a value: an absolute directory such as /srv/data");
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ValidationException.invalid(field, what + " contains a control character; use a plain absolute"
          + " directory such as /srv/data");
    }
    String quoted = UserText.quote(value);
    if (value.length() > MAX_PATH_LENGTH) {
      throw ValidationException.invalid(field, what + " is longer than " + MAX_PATH_LENGTH + " characters");
    }
    if (!value.startsWith("/")) {
      throw ValidationException.invalid(field, what + " " + quoted + " is relative: use an absolute directory"
          + " such as /srv/data");
    }
    if (value.equals("/")) {
      return;
    }
    String[] parts = value.substring(1).split("/", -1);
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw ValidationException.invalid(field, what + " " + quoted + " is not in normal form (no '.', '..',"
            + " '//' or trailing '/'): write it as " + UserText.quote(normalised(parts)));
      }
    }
  }

  private static String normalised(String[] parts) {
    java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
    for (String part : parts) {
      if (part.equals("..")) {
        kept.pollLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        kept.addLast(part);
      }
    }
    return "/" + String.join("/", kept);
  }

  /** Whether {@code path} is {@code root} or lies under it, component by component. */
  public static boolean under(String path, String root) {
    return path.equals(root) || root.equals("/") || path.startsWith(root + "/");
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
