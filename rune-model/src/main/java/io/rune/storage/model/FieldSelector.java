package io.rune.storage.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A {@code ?fieldSelector=} filter in Kubernetes' syntax: comma-separated requirements
 * {@code field=value} (or {@code field==value}) and {@code field!=value}, all of which must
 * hold, over the fields a kind names in {@link #fields}. A field the object does not have
 * reads as the empty value, as in Kubernetes: {@code status.node!=a} selects volumes on no
 * node, and {@code status.node=} selects only them.
 */
public record FieldSelector(List<Requirement> requirements) {

  /** How a requirement compares a field. */
  public enum Operator {
    EQUALS,
    NOT_EQUALS
  }

  /** One requirement: a field of {@link #fields}, compared with a value (possibly empty). */
  public record Requirement(String field, Operator op, String value) {
    public Requirement {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return field + (op == Operator.EQUALS ? "=" : "!=") + value;
    }
  }

  private static final String FIELD = "fieldSelector";
  private static final List<String> METADATA = List.of("metadata.name", "metadata.namespace");

  /**
   * The fields each kind can be selected by. Secrets have no phase; a snapshot names its
   * volume as {@code spec.source.volume}.
   */
  private static final Map<Kind, List<String>> FIELDS = Map.of(
      Kind.STORAGE_CLASS, List.of("metadata.name"),
      Kind.VOLUME, with("status.phase", "spec.storageClassName", "status.node", "status.ownerService"),
      Kind.SNAPSHOT, with("status.phase", "spec.source.volume"),
      Kind.SERVICE, with("status.phase"),
      Kind.SECRET, METADATA);

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  /** A selector of the given requirements (empty: everything), all of which must hold. */
  public FieldSelector {
    requirements = List.copyOf(requirements);
  }

  private static List<String> with(String... more) {
    List<String> fields = new ArrayList<>(METADATA);
    fields.addAll(List.of(more));
    return List.copyOf(fields);
  }

  /** The fields {@code kind} can be selected by, in the order the API documents them. */
  public static List<String> fields(Kind kind) {
    return FIELDS.get(kind);
  }

  /** The selector that matches every object. */
  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses the text of a {@code ?fieldSelector=} parameter for a list of {@code kind}; null
   * or blank text matches everything. Spaces around fields, operators and values are ignored.
   *
   * @throws ValidationException with code {@code Invalid} and field {@code fieldSelector},
   *     when the text is not a selector or names a field the kind cannot be selected by
   */
  public static FieldSelector parse(Kind kind, String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> parsed = new ArrayList<>();
    String[] terms = text.split(",", -1);
    for (int i = 0; i < terms.length; i++) {
      parsed.add(parseRequirement(kind, text, i + 1, terms[i].trim()));
    }
    return new FieldSelector(parsed);
  }

  private static Requirement parseRequirement(Kind kind, String text, int position, String term) {
    String example = "use comma-separated requirements such as " + fields(kind).get(fields(kind).size() - 1)
        + "=value or metadata.name!=value";
    if (term.isEmpty()) {
      throw error(text, "requirement " + position + " is empty; " + example);
    }
    int at = term.indexOf('=');
    if (at < 0) {
      throw error(text, UserText.quote(term) + " has no operator; " + example);
    }
    Operator op = at > 0 && term.charAt(at - 1) == '!' ? Operator.NOT_EQUALS : Operator.EQUALS;
    String field = term.substring(0, op == Operator.NOT_EQUALS ? at - 1 : at).trim();
    int valueStart = op == Operator.EQUALS && term.startsWith("=", at + 1) ? at + 2 : at + 1;
    String value = term.substring(valueStart).trim();
    if (!fields(kind).contains(field)) {
      throw error(text, (field.isEmpty() ? UserText.quote(term) + " has no field before the operator"
          : "a " + kind.kindName() + " cannot be selected by " + UserText.quote(field))
          + "; the fields are " + String.join(", ", fields(kind)));
    }
    if (value.contains("=") || value.contains("!")) {
      throw error(text, "the value of " + field + " " + UserText.quote(value)
          + " holds an operator; give one =, == or != per requirement");
    }
    return new Requirement(field, op, value);
  }

  private static ValidationException error(String text, String what) {
    return ValidationException.invalid(FIELD, FIELD + " " + UserText.quote(text) + " is not valid: " + what);
  }

  /** Whether this selector matches every object. */
  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** The selector in the syntax {@link #parse} reads back, for example {@code status.phase!=Failed}. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }
}
