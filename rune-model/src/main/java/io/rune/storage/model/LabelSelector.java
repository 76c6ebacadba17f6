package io.rune.storage.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code ?labelSelector=} filter in Kubernetes' syntax: comma-separated requirements, all
 * of which must hold. Each requirement is {@code key=value} or {@code key==value} (equals),
 * {@code key!=value} (not equals, also true when the key is absent), {@code key in (a,b)}
 * (the key is present with one of the values), {@code key notin (a,b)} (absent, or none of
 * the values), {@code key} (exists) or {@code !key} (does not exist). Keys and values follow
 * the label rules of {@link #checkLabels}.
 */
public final class LabelSelector {

  /** How a requirement compares a label. */
  public enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    NOT_EXISTS
  }

  /**
   * One requirement of a selector: {@code values} holds one value for {@link Operator#EQUALS}
   * and {@link Operator#NOT_EQUALS}, at least one for {@link Operator#IN} and
   * {@link Operator#NOT_IN}, none for {@link Operator#EXISTS} and {@link Operator#NOT_EXISTS}.
   */
  public record Requirement(String key, Operator op, List<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(op, "op");
      values = List.copyOf(values);
      boolean fits = switch (op) {
        case EQUALS, NOT_EQUALS -> values.size() == 1;
        case IN, NOT_IN -> !values.isEmpty();
        case EXISTS, NOT_EXISTS -> values.isEmpty();
      };
      if (!fits) {
        throw new IllegalArgumentException(op + " cannot take " + values.size() + " values (key " + key + ")");
      }
    }

    /** A requirement of one value (null for none), as {@code app=web} or {@code !legacy}. */
    public Requirement(String key, Operator op, String value) {
      this(key, op, value == null ? List.of() : List.of(value));
    }

    /** The value of an {@link Operator#EQUALS} or {@link Operator#NOT_EQUALS} requirement, else null. */
    public String value() {
      return op == Operator.EQUALS || op == Operator.NOT_EQUALS ? values.get(0) : null;
    }

    /** Whether a set of labels satisfies this requirement. */
    public boolean matches(Map<String, String> labels) {
      return switch (op) {
        case EQUALS -> values.get(0).equals(labels.get(key));
        case NOT_EQUALS -> !values.get(0).equals(labels.get(key));
        case IN -> labels.containsKey(key) && values.contains(labels.get(key));
        case NOT_IN -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case EXISTS -> labels.containsKey(key);
        case NOT_EXISTS -> !labels.containsKey(key);
      };
    }

    /** The requirement in selector syntax, for example {@code tier!=db} or {@code env in (a,b)}. */
    @Override
    public String toString() {
      return switch (op) {
        case EQUALS -> key + "=" + values.get(0);
        case NOT_EQUALS -> key + "!=" + values.get(0);
        case IN -> key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
        case EXISTS -> key;
        case NOT_EXISTS -> "!" + key;
      };
    }
  }

  /** The longest label name (the part of a key after the prefix) and the longest value. */
  public static final int MAX_NAME_LENGTH = 63;

  /** The longest key prefix (a DNS subdomain). */
  public static final int MAX_PREFIX_LENGTH = 253;

  /**
   * The most labels one object (or one topology) may have. With the sizes above, 64 labels
   * stay far below Kubernetes' 256 KiB for all of them (at most about 24 KiB).
   */
  public static final int MAX_LABELS = 64;

  private static final String FIELD = "labelSelector";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  /** A term that means to be set-based: a key, blanks, then in or notin (a '(' may follow at once). */
  private static final Pattern SET_BASED = Pattern.compile("[^=!\\s(]+\\s+(in|notin)(\\s.*|\\(.*)?", Pattern.DOTALL);
  private static final Pattern SET_TERM =
      Pattern.compile("([^=!\\s(]+)\\s+(in|notin)\\s*\\((.*)\\)", Pattern.DOTALL);
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final String KEY_RULE =
      "a label key is an optional DNS prefix and '/' (for example example.com/) followed by a"
          + " name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a"
          + " letter or digit";
  private static final String VALUE_RULE =
      "a label value is empty or at most 63 letters, digits, '-', '_' or '.', starting and"
          + " ending with a letter or digit";
  private static final String SYNTAX =
      "use comma-separated requirements such as app=web, tier!=db, env in (prod,staging),"
          + " tier notin (db), env or !legacy";

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /** The selector that matches every object. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /** A selector of the given requirements, all of which must hold. */
  public static LabelSelector of(List<Requirement> requirements) {
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements);
  }

  /**
   * Parses the text of a {@code ?labelSelector=} parameter; null or blank text matches
   * everything. Spaces around keys, operators and values are ignored.
   *
   * @throws ValidationException with code {@code Invalid} and field {@code labelSelector},
   *     when the text is not a valid selector
   */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> parsed = new ArrayList<>();
    List<String> terms = terms(text);
    for (int i = 0; i < terms.size(); i++) {
      parsed.add(parseRequirement(text, i + 1, terms.get(i).trim()));
    }
    return new LabelSelector(parsed);
  }

  /** The text split at the commas outside parentheses: {@code a in (x,y),b} is two terms. */
  private static List<String> terms(String text) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(text.substring(start, i));
        start = i + 1;
      }
      if (depth < 0 || depth > 1) {
        throw selectorError(text, "its parentheses do not pair: a set of values is one \"(a,b)\"; " + SYNTAX);
      }
    }
    if (depth != 0) {
      throw selectorError(text, "a '(' is not closed; " + SYNTAX);
    }
    terms.add(text.substring(start));
    return terms;
  }

  private static Requirement parseRequirement(String text, int position, String term) {
    if (term.isEmpty()) {
      throw selectorError(text, "requirement " + position + " is empty; " + SYNTAX);
    }
    if (term.contains("(") || term.contains(")") || SET_BASED.matcher(term).matches()) {
      return parseSetRequirement(text, term);
    }
    if (term.startsWith("!") && !term.startsWith("!=")) {
      String key = term.substring(1).trim();
      checkSelectorKey(text, key);
      return new Requirement(key, Operator.NOT_EXISTS, List.of());
    }
    int at = indexOfOperator(term);
    if (at < 0) {
      checkSelectorKey(text, term);
      return new Requirement(term, Operator.EXISTS, List.of());
    }
    Operator op;
    int valueStart;
    if (term.charAt(at) == '!') {
      if (at + 1 >= term.length() || term.charAt(at + 1) != '=') {
        throw selectorError(
            text, UserText.quote(term) + " has a '!' that is not part of \"!=\" or a leading \"!key\"; "
                + SYNTAX);
      }
      op = Operator.NOT_EQUALS;
      valueStart = at + 2;
    } else {
      op = Operator.EQUALS;
      valueStart = at + 1 < term.length() && term.charAt(at + 1) == '=' ? at + 2 : at + 1;
    }
    String key = term.substring(0, at).trim();
    String value = term.substring(valueStart).trim();
    if (key.isEmpty()) {
      throw selectorError(text, UserText.quote(term) + " has no key before the operator; " + SYNTAX);
    }
    checkSelectorKey(text, key);
    String problem = valueProblem(value);
    if (problem != null) {
      throw selectorError(text, "the value of " + UserText.quote(key) + " " + problem);
    }
    return new Requirement(key, op, value);
  }

  /** {@code key in (a,b)} or {@code key notin (a,b)}: at least one value, each a valid label value. */
  private static Requirement parseSetRequirement(String text, String term) {
    Matcher m = SET_TERM.matcher(term);
    if (!m.matches()) {
      throw selectorError(text, UserText.quote(term) + " is not a set requirement of the form"
          + " \"key in (a,b)\" or \"key notin (a,b)\"; " + SYNTAX);
    }
    String key = m.group(1);
    checkSelectorKey(text, key);
    if (m.group(3).isBlank()) {
      throw selectorError(text, UserText.quote(term) + " lists no values; name at least one, as in \""
          + key + " " + m.group(2) + " (a,b)\"");
    }
    List<String> values = new ArrayList<>();
    for (String raw : m.group(3).split(",", -1)) {
      String value = raw.trim();
      String problem = valueProblem(value);
      if (problem != null) {
        throw selectorError(text, "the value " + UserText.quote(value) + " of " + UserText.quote(key) + " " + problem);
      }
      if (!values.contains(value)) {
        values.add(value);
      }
    }
    return new Requirement(key, m.group(2).equals("in") ? Operator.IN : Operator.NOT_IN, values);
  }

  private static int indexOfOperator(String term) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '=' || c == '!') {
        return i;
      }
    }
    return -1;
  }

  private static void checkSelectorKey(String text, String key) {
    String problem = keyProblem(key);
    if (problem != null) {
      throw selectorError(text, "the key " + UserText.quote(key) + " " + problem);
    }
  }

  private static ValidationException selectorError(String text, String what) {
    return ValidationException.invalid(
        FIELD, FIELD + " " + UserText.quote(text) + " is not a valid selector: " + what);
  }

  /**
   * Checks the label keys and values of {@code field} (for example {@code labels}); a null
   * map means no labels. The field path of an error names the key, as in
   * {@code labels["bad key"]}.
   *
   * @throws ValidationException with code {@code Invalid}, when a key or value is not valid
   */
  public static void checkLabels(String field, Map<String, String> labels) {
    if (labels == null) {
      return;
    }
    if (labels.size() > MAX_LABELS) {
      throw ValidationException.invalid(field, field + " has " + labels.size() + " labels; an object may have at most "
          + MAX_LABELS);
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String key = e.getKey();
      if (key == null) {
        throw ValidationException.invalid(field, field + " has a null key: " + KEY_RULE);
      }
      String path = field + "[" + UserText.quote(key) + "]";
      String problem = keyProblem(key);
      if (problem != null) {
        throw ValidationException.invalid(path, path + ": the key " + UserText.quote(key) + " " + problem);
      }
      if (e.getValue() == null) {
        throw ValidationException.invalid(
            path, path + ": the value is missing; use \"\" for an empty value");
      }
      problem = valueProblem(e.getValue());
      if (problem != null) {
        throw ValidationException.invalid(
            path, path + ": the value " + UserText.quote(e.getValue()) + " " + problem);
      }
    }
  }

  /** What is wrong with a label key, ending with the rule, or null when it is valid. */
  private static String keyProblem(String key) {
    if (key.isEmpty()) {
      return "is empty; " + KEY_RULE;
    }
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty()) {
        return "has an empty prefix before '/'; " + KEY_RULE;
      }
      if (prefix.length() > MAX_PREFIX_LENGTH) {
        return "has a prefix longer than " + MAX_PREFIX_LENGTH + " characters; " + KEY_RULE;
      }
      if (!DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return "has a prefix " + UserText.quote(prefix) + " that is not a lowercase DNS subdomain; "
            + KEY_RULE;
      }
    }
    if (name.isEmpty()) {
      return "has an empty name; " + KEY_RULE;
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return "has a name longer than " + MAX_NAME_LENGTH + " characters; " + KEY_RULE;
    }
    if (!NAME.matcher(name).matches()) {
      return "is not valid; " + KEY_RULE;
    }
    return null;
  }

  /** What is wrong with a label value, ending with the rule, or null when it is valid. */
  private static String valueProblem(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > MAX_NAME_LENGTH) {
      return "is longer than " + MAX_NAME_LENGTH + " characters; " + VALUE_RULE;
    }
    if (!NAME.matcher(value).matches()) {
      return "is not valid; " + VALUE_RULE;
    }
    return null;
  }

  /** The requirements, all of which must hold; empty for the selector of everything. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** Whether this selector matches every object. */
  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** Whether an object with these labels (null meaning none) is selected. */
  public boolean matches(Map<String, String> labels) {
    Map<String, String> present = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(present)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** The selector in the syntax {@link #parse} reads back, for example {@code app=web,!legacy}. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }
}
