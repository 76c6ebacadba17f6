package io.rune.storage.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Who owns a volume's root directory and with which mode, set when its storage is made
 * (provisioned or restored): {@code fsUser} and {@code fsGroup} are numeric ids, as inside a
 * container names mean nothing; {@code fsMode} is octal text ({@code "0750"}), as chmod reads
 * it. Each part is optional: an absent one leaves that part as the driver makes it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VolumeOwnership(Long fsUser, Long fsGroup, String fsMode) {

  /** The largest uid or gid: Linux ids are unsigned 32-bit, and -1 means "unchanged" to chown. */
  public static final long MAX_ID = Integer.MAX_VALUE;

  private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");

  /** The ownership a spec asks for, or null when it asks for none of it. */
  public static VolumeOwnership of(Long fsUser, Long fsGroup, String fsMode) {
    return fsUser == null && fsGroup == null && fsMode == null ? null : new VolumeOwnership(fsUser, fsGroup, fsMode);
  }

  /**
   * Checks each part; {@code prefix} is where the fields are (empty for a volume,
   * {@code volumes[0].claimTemplate.} for a template).
   *
   * @throws ValidationException naming the field at fault
   */
  public void check(String prefix) {
    checkId(prefix + "fsUser", fsUser);
    checkId(prefix + "fsGroup", fsGroup);
    if (fsMode != null && !MODE.matcher(fsMode).matches()) {
      throw ValidationException.invalid(prefix + "fsMode", prefix + "fsMode must be 3 or 4 octal digits such as 0750,"
          + " not " + UserText.quote(fsMode));
    }
  }

  /** The mode as permission bits (with setuid, setgid and sticky), or null when none is asked for. */
  @JsonIgnore
  public Integer modeBits() {
    return fsMode == null ? null : Integer.parseInt(fsMode, 8);
  }

  private static void checkId(String field, Long id) {
    if (id != null && (id < 0 || id > MAX_ID)) {
      throw ValidationException.invalid(field, field + " must be an integer from 0 to " + MAX_ID + " (a numeric id),"
          + " not " + id);
    }
  }

  /**
   * Reads {@code fsMode} from text only. Other text fields take a bare number (YAML writes
   * them unquoted), but YAML reads an unquoted {@code 0644} as the octal number 420, which
   * as text would be another mode: a number is refused, so that the user quotes it.
   */
  public static final class ModeText extends StdDeserializer<String> {
    public ModeText() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
      return (String) ctxt.handleUnexpectedToken(String.class, parser);
    }
  }
}
