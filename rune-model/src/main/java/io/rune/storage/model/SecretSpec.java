package io.rune.storage.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The user-written fields of a Secret: its values by key. Values are write-only: they are
 * encrypted before they are stored and are never rendered, so this record's
 * {@link #toString()} shows the key names only.
 */
public record SecretSpec(@JsonDeserialize(contentUsing = SecretSpec.TextOnly.class) Map<String, String> data) {

  /** The longest key, as for Kubernetes secret keys. */
  public static final int MAX_KEY_LENGTH = 253;

  /** The largest value, in bytes of UTF-8. */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  /** What a key may be, for messages. */
  public static final String KEY_RULE = "a key is 1 to " + MAX_KEY_LENGTH
      + " letters, digits, '-', '_' or '.' (not '.' or '..'), like an environment variable name";

  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  public SecretSpec {
    // Sorted, so that the keys are listed and encrypted in one order whatever the input's.
    data = data == null ? null : Collections.unmodifiableMap(new TreeMap<>(data));
  }

  /** Whether {@code key} may name a value of a Secret. */
  public static boolean isValidKey(String key) {
    return key != null && key.length() <= MAX_KEY_LENGTH && KEY.matcher(key).matches()
        && !key.equals(".") && !key.equals("..");
  }

  /**
   * Checks the data as a client wrote it. Messages name the field and the key (or, for a
   * key that is not valid, its position) but never a value.
   *
   * @throws ValidationException with the field at fault
   */
  public SecretSpec validated() {
    if (data == null || data.isEmpty()) {
      throw ValidationException.invalid("data", "data needs at least one key and its value (a PUT or"
          + " /apply replaces every value, so send them all); " + KEY_RULE);
    }
    int position = 0;
    for (Map.Entry<String, String> entry : data.entrySet()) {
      position++;
      if (!isValidKey(entry.getKey())) {
        // The key is not echoed: a mistyped document can put a value where a key belongs.
        throw ValidationException.invalid("data", "key " + position + " of data (in sorted order, "
            + entry.getKey().length() + " characters) is not a valid key: " + KEY_RULE);
      }
      if (entry.getValue() == null) {
        throw ValidationException.invalid("data." + entry.getKey(), "data." + entry.getKey()
            + " needs a value: a string");
      }
      int bytes = entry.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_VALUE_BYTES) {
        throw ValidationException.invalid("data." + entry.getKey(), "the value of data." + entry.getKey()
            + " is " + bytes + " bytes; a value may have at most " + MAX_VALUE_BYTES + " bytes (64 KiB)");
      }
    }
    return this;
  }

  /** The key names, sorted. */
  public List<String> keys() {
    return data == null ? List.of() : new ArrayList<>(data.keySet());
  }

  @Override
  public String toString() {
    return "SecretSpec[keys=" + keys() + ", values redacted]";
  }

  /**
   * Accepts only text: a YAML number or boolean is refused rather than converted (it would
   * lose leading zeros or change spelling), and the error never quotes what it was.
   */
  static final class TextOnly extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
      return (String) context.reportInputMismatch(String.class,
          "a Secret value must be a string (quote it in YAML)");
    }
  }
}
