package io.rune.storage.store;

import io.rune.storage.model.FieldSelector;
import io.rune.storage.model.Kind;
import io.rune.storage.model.LabelSelector;
import java.util.Set;

/**
 * What to list. {@code namespaces} null means every namespace; an empty set means none
 * (a token scoped to no namespace sees nothing).
 */
public record ListQuery(Kind kind, Set<String> namespaces, LabelSelector selector, FieldSelector fields,
    int limit, String continueToken) {

  /** A query of labels only. */
  public ListQuery(Kind kind, Set<String> namespaces, LabelSelector selector, int limit, String continueToken) {
    this(kind, namespaces, selector, FieldSelector.everything(), limit, continueToken);
  }
}
