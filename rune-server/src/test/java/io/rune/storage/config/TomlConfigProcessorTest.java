package io.rune.storage.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.config.spi.ConfigProcessor;
import io.vertx.config.spi.utils.Processors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class TomlConfigProcessorTest {

  private final ConfigProcessor processor = new TomlConfigProcessor();

  /** An embedding application's Vert.x Config keeps its own formats: Rune registers none. */
  @Test
  void isTheTomlFormatWithoutBeingRegistered() {
    assertThat(processor.name()).isEqualTo("toml");
    assertThat(Processors.get("toml")).as("a format registered in META-INF/services").isNull();
  }

  @Test
  void turnsTablesIntoJson() {
    Future<JsonObject> parsed = processor.process(null, null, Buffer.buffer("""
        top = "t"
        [store]
        poolSize = 8
        ratio = 0.5
        [storage]
        hostPathAllowlist = ["/a", "~/b"]
        allowCreateMissing = true
        """));
    JsonObject json = parsed.result();
    assertThat(json.getString("top")).isEqualTo("t");
    assertThat(json.getJsonObject("store").getValue("poolSize")).isEqualTo(8);
    assertThat(json.getJsonObject("store").getValue("ratio")).isEqualTo(new BigDecimal("0.5"));
    assertThat(json.getJsonObject("storage").getJsonArray("hostPathAllowlist"))
        .isEqualTo(new JsonArray().add("/a").add("~/b"));
    assertThat(json.getJsonObject("storage").getBoolean("allowCreateMissing")).isTrue();
  }

  @Test
  void emptyDocumentIsAnEmptyObject() {
    assertThat(processor.process(null, null, Buffer.buffer("# nothing\n")).result()).isEmpty();
  }

  @Test
  void syntaxErrorNamesFileAndLine() {
    Future<JsonObject> parsed = processor.process(null,
        new JsonObject().put("path", "/etc/rune/runefile.toml"),
        Buffer.buffer("[server]\nlisten = \"a:1\"\nnode = oops\n"));
    assertThat(parsed.failed()).isTrue();
    assertThat(parsed.cause()).isInstanceOf(ConfigException.class)
        .hasMessage("runefile /etc/rune/runefile.toml is not valid TOML at line 3, column 8:"
            + " Unknown token");
  }

  @Test
  void syntaxErrorWithoutPathSaysRunefile() {
    Future<JsonObject> parsed = processor.process(null, null, Buffer.buffer("[server\n"));
    assertThat(parsed.cause()).hasMessageStartingWith("runefile is not valid TOML at line 1");
  }
}
