package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * {@code -o jsonpath=TEMPLATE} in kubectl's form: text with {@code {...}} segments, each a
 * JsonPath expression relative to the object ({@code {.items[*].name}} is Jayway's
 * {@code $.items[*].name}) or a quoted string ({@code {"\n"}}). Text outside braces is
 * printed as it is; a segment that finds several values prints them joined by spaces, an
 * object or list as JSON, and one that finds nothing prints nothing (kubectl's default,
 * --allow-missing-template-keys). The expressions are Jayway JsonPath's, not a parser of
 * our own; kubectl's {@code range}/{@code end} are not supported (a [*] does the same).
 */
final class JsonPathTemplate {
  private static final Configuration JACKSON = Configuration.builder()
      .jsonProvider(new JacksonJsonNodeJsonProvider(CliJson.MAPPER))
      .mappingProvider(new JacksonMappingProvider(CliJson.MAPPER))
      .options(Option.SUPPRESS_EXCEPTIONS)
      .build();

  /** A piece of the template: literal text, or a compiled path. */
  private record Part(String text, JsonPath path) {}

  private final String template;
  private final List<Part> parts;

  private JsonPathTemplate(String template, List<Part> parts) {
    this.template = template;
    this.parts = parts;
  }

  /** @throws IllegalArgumentException naming the template and what is wrong with it */
  static JsonPathTemplate parse(String template) {
    List<Part> parts = new ArrayList<>();
    int at = 0;
    while (at < template.length()) {
      int open = template.indexOf('{', at);
      int close = template.indexOf('}', at);
      if (close >= 0 && (open < 0 || close < open)) {
        throw bad(template, "a '}' at position " + (close + 1) + " closes no '{'");
      }
      if (open < 0) {
        parts.add(new Part(template.substring(at), null));
        break;
      }
      if (open > at) {
        parts.add(new Part(template.substring(at, open), null));
      }
      int end = closing(template, open);
      parts.add(segment(template, template.substring(open + 1, end).trim()));
      at = end + 1;
    }
    return new JsonPathTemplate(template, List.copyOf(parts));
  }

  /** The template applied to {@code document}: what -o jsonpath prints (without a final newline). */
  String apply(JsonNode document) {
    StringBuilder printed = new StringBuilder();
    for (Part part : parts) {
      if (part.path() == null) {
        printed.append(part.text());
        continue;
      }
      JsonNode found = part.path().read(document, JACKSON);
      printed.append(text(found, part.path().isDefinite()));
    }
    return printed.toString();
  }

  @Override
  public String toString() {
    return template;
  }

  /** The '}' that closes the '{' at {@code open}, skipping braces inside quotes and brackets. */
  private static int closing(String template, int open) {
    char quote = 0;
    int depth = 0;
    for (int i = open + 1; i < template.length(); i++) {
      char c = template.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '(') {
        depth++;
      } else if ((c == ']' || c == ')') && depth > 0) {
        depth--;
      } else if (c == '}' && depth == 0) {
        return i;
      }
    }
    throw bad(template, "the '{' at position " + (open + 1) + " is never closed");
  }

  private static Part segment(String template, String expression) {
    if (expression.isEmpty()) {
      throw bad(template, "'{}' holds no expression");
    }
    if (expression.startsWith("\"")) {
      try {
        return new Part(CliJson.MAPPER.readValue(expression, String.class), null);
      } catch (IOException e) {
        throw bad(template, "the string " + expression + " is not a quoted string like \"\\n\"");
      }
    }
    if (expression.equals("end") || expression.startsWith("range ")) {
      throw bad(template, "range/end are not supported; a path with [*] prints every value, e.g. {.items[*].name}");
    }
    String path = expression.startsWith("$") ? expression
        : expression.startsWith(".") || expression.startsWith("[") ? "$" + expression : "$." + expression;
    try {
      return new Part(null, JsonPath.compile(path));
    } catch (InvalidPathException | IllegalArgumentException e) {
      throw bad(template, "{" + expression + "} is not a JsonPath expression (" + e.getMessage() + ")");
    }
  }

  /** kubectl's rendering: strings bare, several values joined by spaces, objects and lists as JSON. */
  private static String text(JsonNode found, boolean definite) {
    if (found == null || found.isNull() || found.isMissingNode()) {
      return "";
    }
    if (!definite && found.isArray()) {
      StringJoiner joined = new StringJoiner(" ");
      found.forEach(value -> joined.add(text(value, true)));
      return joined.toString();
    }
    return found.isValueNode() ? found.asText() : found.toString();
  }

  private static IllegalArgumentException bad(String template, String why) {
    return new IllegalArgumentException("the jsonpath template '" + template + "' is not valid: " + why);
  }
}
