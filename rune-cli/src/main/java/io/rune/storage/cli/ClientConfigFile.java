package io.rune.storage.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ~/.rune/config, TOML: named contexts, each a server, a token (or a file holding one) and a
 * default namespace, and which context is current:
 * <pre>
 * current-context = 'prod'
 * contexts.prod.server = 'http://10.0.0.5:7861'
 * contexts.prod.token-file = '/home/me/.rune/prod.token'
 * contexts.prod.namespace = 'prod'
 * </pre>
 * A file of the first form, top-level {@code server} and {@code token} only, reads as one
 * context named {@value #LEGACY_CONTEXT}, current; it is rewritten in the new form only when a
 * {@code rune config} command changes it. A key it does not know is an error, so that a
 * misspelt {@code sever} is not silently ignored.
 *
 * @param currentContext the name of the current context, or null
 * @param contexts the contexts by name, in the file's order
 * @param migrated whether the file had the old form (top-level server and token)
 */
record ClientConfigFile(String currentContext, Map<String, Context> contexts, boolean migrated) {
  static final String LEGACY_CONTEXT = "default";
  static final List<String> LEGACY_KEYS = List.of("server", "token");
  static final List<String> TOP_KEYS = List.of("current-context", "contexts", "server", "token");
  static final List<String> CONTEXT_KEYS = List.of("server", "token", "token-file", "namespace");

  /**
   * One context; any field may be null.
   *
   * @param token a token written in the file itself (the old form's {@code token})
   * @param tokenFile a file whose content is the token
   */
  record Context(String server, String token, String tokenFile, String namespace) {
    static final Context EMPTY = new Context(null, null, null, null);

    Context withServer(String value) {
      return new Context(value, token, tokenFile, namespace);
    }

    /** A token file replaces a token written in the file: only one says which token to use. */
    Context withTokenFile(String value) {
      return new Context(server, null, value, namespace);
    }

    Context withNamespace(String value) {
      return new Context(server, token, tokenFile, value);
    }
  }

  private static final ClientConfigFile ABSENT = new ClientConfigFile(null, Map.of(), false);

  static Path defaultPath(Path home) {
    return home.resolve(".rune").resolve("config");
  }

  /** The context named {@code name}, or null. */
  Context context(String name) {
    return name == null ? null : contexts.get(name);
  }

  ClientConfigFile withContext(String name, Context context) {
    Map<String, Context> changed = new LinkedHashMap<>(contexts);
    changed.put(name, context);
    return new ClientConfigFile(currentContext, changed, migrated);
  }

  ClientConfigFile withCurrentContext(String name) {
    return new ClientConfigFile(name, contexts, migrated);
  }

  /** The file's settings; no contexts when there is no file. */
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
    checkKeys(file, "", table, TOP_KEYS);
    Map<String, Context> contexts = new LinkedHashMap<>();
    JsonNode tables = table.path("contexts");
    if (!tables.isMissingNode() && !tables.isObject()) {
      throw new CliException(file + ": 'contexts' must be a table of contexts, like contexts.prod.namespace = \"prod\"");
    }
    for (Map.Entry<String, JsonNode> entry : tables.properties()) {
      String where = "contexts." + entry.getKey() + ".";
      if (!entry.getValue().isObject()) {
        throw new CliException(file + ": '" + where.substring(0, where.length() - 1) + "' must be a table with "
            + String.join(", ", CONTEXT_KEYS));
      }
      checkKeys(file, where, entry.getValue(), CONTEXT_KEYS);
      contexts.put(entry.getKey(), context(entry.getValue()));
    }
    String current = text(table, "current-context");
    boolean legacy = LEGACY_KEYS.stream().anyMatch(table::has);
    if (legacy) {
      if (contexts.containsKey(LEGACY_CONTEXT)) {
        throw new CliException(file + ": top-level server and token are the old form of the context '"
            + LEGACY_CONTEXT + "', which the file also has: keep one of them");
      }
      contexts.put(LEGACY_CONTEXT, new Context(text(table, "server"), text(table, "token"), null, null));
      current = current != null ? current : LEGACY_CONTEXT;
    }
    return new ClientConfigFile(current, contexts, legacy);
  }

  /** Writes the file in the contexts form, atomically (a whole new file or none) and readable by its owner only. */
  void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".config-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(temporary, toml(null));
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The configuration in the contexts form.
   *
   * @param tokenShownAs what to write for a token written in the file, or null for the token itself
   */
  String toml(String tokenShownAs) {
    Map<String, Object> document = new LinkedHashMap<>();
    if (currentContext != null) {
      document.put("current-context", currentContext);
    }
    Map<String, Object> tables = new LinkedHashMap<>();
    contexts.forEach((name, context) -> {
      Map<String, String> fields = new LinkedHashMap<>();
      putIfSet(fields, "server", context.server());
      putIfSet(fields, "token", context.token() == null || tokenShownAs == null ? context.token() : tokenShownAs);
      putIfSet(fields, "token-file", context.tokenFile());
      putIfSet(fields, "namespace", context.namespace());
      tables.put(name, fields);
    });
    document.put("contexts", tables);
    try {
      return new TomlMapper().writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkKeys(Path file, String prefix, JsonNode table, List<String> known) {
    for (Map.Entry<String, JsonNode> entry : table.properties()) {
      if (!known.contains(entry.getKey())) {
        throw new CliException(file + ": unknown key '" + prefix + entry.getKey() + "'; the known keys"
            + (prefix.isEmpty() ? "" : " of a context") + " are " + String.join(", ", known));
      }
      if (!entry.getKey().equals("contexts") && !entry.getValue().isTextual()) {
        throw new CliException(file + ": '" + prefix + entry.getKey() + "' must be a string, like " + prefix
            + entry.getKey() + " = \"" + (entry.getKey().equals("server") ? ConnectionSettings.DEFAULT_SERVER : "…")
            + "\"");
      }
    }
  }

  private static Context context(JsonNode table) {
    return new Context(text(table, "server"), text(table, "token"), text(table, "token-file"),
        text(table, "namespace"));
  }

  private static void putIfSet(Map<String, String> fields, String key, String value) {
    if (value != null) {
      fields.put(key, value);
    }
  }

  private static String text(JsonNode table, String key) {
    JsonNode value = table.get(key);
    return value == null || value.asText().isBlank() ? null : value.asText().trim();
  }
}
