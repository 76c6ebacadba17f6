package io.rune.storage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The client's Jackson set-up, made once: it reads the server's JSON as trees (the CLI
 * shows what the server sent, it does not re-model it) and writes them for people.
 */
final class CliJson {
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  /** Pretty JSON as people write it: {@code "name": "x"}, one array element per line. */
  private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
      .withSeparators(Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("")
          .withArrayEmptySeparator(""))
      .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

  private CliJson() {}

  /** Made on first use: most runs print no YAML, and every class loaded is start-up time. */
  private static final class Yaml {
    /** Strings that look like numbers ("resourceVersion": "42") stay strings when read back. */
    static final YAMLMapper MAPPER = YAMLMapper.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
        .build();
  }

  static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** Every document of a YAML stream (documents separated by ---); empty ones are left out. */
  static java.util.List<JsonNode> readYamlDocuments(byte[] yaml) throws java.io.IOException {
    java.util.List<JsonNode> documents = new java.util.ArrayList<>();
    try (var values = Yaml.MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (values.hasNextValue()) {
        JsonNode document = values.nextValue();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  static String yaml(JsonNode node) {
    try {
      return Yaml.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written as YAML", e);
    }
  }
}
