package io.rune.storage.model;

import java.util.Map;

/**
 * The rules every {@code parameters} map shares (a StorageClass's, a Volume's, a claim
 * template's), before its driver looks at what the parameters mean: a bounded number of
 * named, single-line values of bounded size. They are copied into every volume of a class
 * and handed to drivers, so a megabyte of them, or a newline inside one, is a mistake.
 */
public final class Parameters {

  /** The most parameters one map may hold. */
  public static final int MAX_COUNT = 64;

  /** The longest parameter name, as for Kubernetes keys. */
  public static final int MAX_KEY_LENGTH = 253;

  /** The longest value, in characters. */
  public static final int MAX_VALUE_LENGTH = 4096;

  private Parameters() {}

  /**
   * Checks the parameters of {@code field} (for example {@code parameters} or
   * {@code volumes[0].claimTemplate.parameters}); null means none.
   *
   * @throws ValidationException naming the field, or the parameter at fault
   */
  public static void check(String field, Map<String, String> parameters) {
    if (parameters == null) {
      return;
    }
    if (parameters.size() > MAX_COUNT) {
      throw ValidationException.invalid(field, field + " has " + parameters.size() + " entries; at most " + MAX_COUNT
          + " are allowed");
    }
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isBlank()) {
        throw ValidationException.invalid(field, "parameter names must not be empty");
      }
      String problem = key.length() > MAX_KEY_LENGTH ? "is " + key.length() + " characters long, over the limit of "
          + MAX_KEY_LENGTH : UserText.controlCharacter(key) != null ? "holds " + UserText.controlCharacter(key) : null;
      if (problem != null) {
        throw ValidationException.invalid(field, "the parameter name " + UserText.quote(key) + " " + problem);
      }
      String at = UserText.child(field, key);
      String value = e.getValue();
      if (value == null) {
        throw ValidationException.invalid(at, "parameter " + UserText.quote(key) + " needs a value");
      }
      problem = value.length() > MAX_VALUE_LENGTH ? "is " + value.length() + " characters long, over the limit of "
          + MAX_VALUE_LENGTH : UserText.controlCharacter(value) != null ? "holds " + UserText.controlCharacter(value)
          + "; a parameter is one line of text" : null;
      if (problem != null) {
        throw ValidationException.invalid(at, "the value of parameter " + UserText.quote(key) + " " + problem);
      }
    }
  }
}
