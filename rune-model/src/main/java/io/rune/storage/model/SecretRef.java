package io.rune.storage.model;

import io.rune.storage.model.Names;
import io.rune.storage.model.SecretSpec;
import io.rune.storage.model.ValidationException;

/**
 * A reference to one value of a Secret, as StorageClass parameters write it:
 * {@code <namespace>/<name>} (the key {@value #DEFAULT_KEY}) or
 * {@code <namespace>/<name>:<key>}.
 */
public record SecretRef(String namespace, String name, String key) {

  /** The key a reference without one means. */
  public static final String DEFAULT_KEY = "token";

  /** The accepted forms, for messages. */
  public static final String FORM = "<namespace>/<name> (key " + DEFAULT_KEY + ") or <namespace>/<name>:<key>";

  /** Parses a reference; errors have no field. */
  public static SecretRef parse(String text) {
    return parse(null, text);
  }

  /**
   * Parses a reference written in {@code field} (e.g. {@code parameters.apiTokenSecretRef}).
   *
   * @throws ValidationException naming the field, the accepted forms and what is wrong
   */
  public static SecretRef parse(String field, String text) {
    String what = field == null ? "a secret reference" : field;
    if (text == null || text.isBlank()) {
      throw ValidationException.invalid(field, what + " is empty; write " + FORM);
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw invalid(field, what, text, "it names no namespace");
    }
    int colon = text.indexOf(':', slash);
    String namespace = text.substring(0, slash);
    String name = colon < 0 ? text.substring(slash + 1) : text.substring(slash + 1, colon);
    String key = colon < 0 ? DEFAULT_KEY : text.substring(colon + 1);
    if (!Names.isValid(namespace)) {
      throw invalid(field, what, text, "the namespace '" + namespace + "' is not a valid name (lowercase letters,"
          + " digits and '-', at most " + Names.MAX_LENGTH + ")");
    }
    if (!Names.isValid(name)) {
      throw invalid(field, what, text, "the name '" + name + "' is not a valid name (lowercase letters,"
          + " digits and '-', at most " + Names.MAX_LENGTH + ")");
    }
    if (!SecretSpec.isValidKey(key)) {
      throw invalid(field, what, text, "the key '" + key + "' is not valid: " + SecretSpec.KEY_RULE);
    }
    return new SecretRef(namespace, name, key);
  }

  private static ValidationException invalid(String field, String what, String text, String problem) {
    return ValidationException.invalid(field, what + " must be " + FORM + ", got '" + text + "': " + problem);
  }

  /** The reference in the form {@link #parse} reads, always with its key. */
  @Override
  public String toString() {
    return namespace + "/" + name + ":" + key;
  }
}
