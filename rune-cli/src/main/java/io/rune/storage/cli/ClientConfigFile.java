package io.rune.storage.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ~/.rune/config: a small TOML file with the keys {@code server} and {@code token}. A key it
 * does not know is an error, so that a misspelt {@code sever} is not silently ignored.
 */
record ClientConfigFile(String server, String token) {
  static final List<String> KEYS = List.of("server", "token");

  private static final ClientConfigFile ABSENT = new ClientConfigFile(null, null);

  static Path defaultPath(Path home) {
    return home.resolve(".rune").resolve("config");
  }

  /** The file's settings; both null when there is no file. */
  static ClientConfigFile read(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return ABSENT;
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
    JsonNode table;
    try {
      table = new TomlMapper().readTree(content);
    } catch (StreamReadException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new CliException(file + " is not valid TOML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CliException(file + " could not be read as TOML: " + e.getMessage());
    }
    if (table == null || table.isMissingNode() || table.isEmpty()) {
      return ABSENT;
    }
    for (Map.Entry<String, JsonNode> entry : table.properties()) {
      if (!KEYS.contains(entry.getKey())) {
        throw new CliException(file + ": unknown key '" + entry.getKey() + "'; the known keys are "
            + String.join(" and ", KEYS));
      }
      if (!entry.getValue().isTextual()) {
        throw new CliException(file + ": '" + entry.getKey() + "' must be a string, like "
            + entry.getKey() + " = \"" + (entry.getKey().equals("server") ? ConnectionSettings.DEFAULT_SERVER : "…")
            + "\"");
      }
    }
    return new ClientConfigFile(text(table, "server"), text(table, "token"));
  }

  private static String text(JsonNode table, String key) {
    JsonNode value = table.get(key);
    return value == null || value.asText().isBlank() ? null : value.asText().trim();
  }
}
