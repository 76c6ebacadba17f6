package io.rune.storage.api;

import io.rune.storage.model.UserText;

/**
 * The dry-run option of every write: {@code ?dryRun=All} on REST, a {@code dryRun: All}
 * header on the event bus. A dry run makes every check of the write and answers as the
 * write would, storing nothing (see {@link Resources#write}).
 */
final class DryRun {
  /** The option's name: REST's query parameter, the event bus's header. */
  static final String OPTION = "dryRun";
  /** The one value it takes (as Kubernetes spells it). */
  static final String ALL = "All";
  /** The header of a dry run's answer, so that no client mistakes it for a write. */
  static final String ANSWER_HEADER = "Rune-Dry-Run";

  private DryRun() {}

  /** Whether {@code value} (the option as sent; null when absent) asks for a dry run. */
  static boolean requested(String value) {
    if (value == null) {
      return false;
    }
    if (!value.equals(ALL)) {
      throw ApiException.malformedRequest(OPTION, OPTION + " must be " + ALL + " (make every check of the"
          + " write and store nothing) or absent, not " + UserText.quote(value));
    }
    return true;
  }
}
