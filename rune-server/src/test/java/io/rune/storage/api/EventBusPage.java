package io.rune.storage.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The addresses docs/EVENT-BUS.md documents, read from the page itself: every span in code
 * font, outside fenced code blocks, that reads as an address of Rune ({@code rune.…}) or of
 * Vert.x ({@code __vertx.…}). A {@code <word>} segment is a placeholder for one dot-free
 * segment, the page's own convention.
 *
 * <p>A pattern under which the page also lists literal addresses only sums those up
 * ({@code rune.api.<plural>.<verb>} over the 32 it lists, {@code rune.events.<plural>} over
 * the five): an address it matches is documented only if it is one of them, so that a new
 * verb needs its own line, with its body and reply, not just the pattern.
 */
final class EventBusPage {
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`\n]+)`");
  private static final Pattern ADDRESS = Pattern.compile("(rune|__vertx)(\\.([a-z0-9_-]+|<[a-z]+>))+");
  private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z]+>");

  /** Every address and pattern of the page, as written, in page order. */
  private final Set<String> entries;

  private EventBusPage(Set<String> entries) {
    this.entries = entries;
  }

  static EventBusPage read(Path page) {
    try {
      return parse(Files.readString(page));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + page.toAbsolutePath() + " (tests run in the project root)", e);
    }
  }

  static EventBusPage parse(String markdown) {
    StringBuilder prose = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced) {
        prose.append(line).append('\n');
      }
    }
    Set<String> entries = new LinkedHashSet<>();
    Matcher span = CODE_SPAN.matcher(prose);
    while (span.find()) {
      String text = span.group(1).strip();
      if (ADDRESS.matcher(text).matches()) {
        entries.add(text);
      }
    }
    return new EventBusPage(entries);
  }

  Set<String> entries() {
    return entries;
  }

  /** The entry that documents {@code address}: the address itself, or a pattern that is not a summary. */
  Optional<String> entryFor(String address) {
    if (entries.contains(address)) {
      return Optional.of(address);
    }
    return entries.stream()
        .filter(entry -> isPattern(entry) && matches(entry, address) && literalsUnder(entry).isEmpty())
        .findFirst();
  }

  /** The literal addresses the page lists under {@code pattern}: what it sums up. */
  List<String> literalsUnder(String pattern) {
    return entries.stream().filter(entry -> !isPattern(entry) && matches(pattern, entry)).toList();
  }

  /** The entries no address in {@code used} matches: documented, but nothing registers or sends to them. */
  List<String> unused(Collection<String> used) {
    return entries.stream().filter(entry -> used.stream().noneMatch(address -> matches(entry, address))).toList();
  }

  static boolean isPattern(String entry) {
    return entry.contains("<");
  }

  static boolean matches(String entry, String address) {
    StringBuilder regex = new StringBuilder();
    for (String segment : entry.split("\\.", -1)) {
      regex.append(regex.isEmpty() ? "" : "\\.")
          .append(PLACEHOLDER.matcher(segment).matches() ? "[^.]+" : Pattern.quote(segment));
    }
    return address.matches(regex.toString());
  }
}
