package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictDocumentsTest {

  private static Object one(String text, boolean yaml) {
    List<StrictDocuments.Document> docs = StrictDocuments.read(text, yaml, true);
    assertThat(docs).hasSize(1);
    return docs.get(0).value();
  }

  private static ApiException refused(String text, boolean yaml, boolean single) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> StrictDocuments.read(text, yaml, single));
    assertThat(e).as("%s should be refused", text).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("MalformedBody");
    return e;
  }

  @Test
  void readsJsonAndYamlIntoTheSameValues() {
    JsonObject expected = new JsonObject().put("name", "v").put("size", 1073741824).put("big", 1L << 40)
        .put("ratio", 0.5).put("on", true).put("off", false).putNull("none")
        .put("list", new JsonArray().add("a").add(new JsonObject().put("b", 1)));
    assertThat(one(expected.encode(), false)).isEqualTo(expected);
    assertThat(one("name: v\nsize: 1073741824\nbig: 1099511627776\nratio: 0.5\non: true\noff: false\nnone: null\n"
        + "list:\n  - a\n  - b: 1\n", true)).isEqualTo(expected);
  }

  @Test
  void aYamlAliasIsRefusedWithItsNameAndLine() {
    ApiException alias = refused("labels:\n  app: &anchor web\n  tier: *anchor\n", true, true);
    assertThat(alias.field()).isEqualTo("labels.tier");
    assertThat(alias.getMessage()).isEqualTo(
        "YAML aliases (*\"anchor\" at line 3) are not supported; write the value out");
    ApiException merge = refused("base: &b {size: 1Gi}\nvolume:\n  <<: *b\n  name: v\n", true, false);
    assertThat(merge.field()).isEqualTo("documents[0].volume[\"<<\"]");
    // An anchor that nothing refers to changes nothing.
    assertThat(one("app: &a web\n", true)).isEqualTo(new JsonObject().put("app", "web"));
  }

  @Test
  void aKeyGivenTwiceIsRefusedWithItsPathAndBothLines() {
    ApiException json = refused("{\"volumes\": [{\"name\": \"a\"},\n {\"name\": \"b\",\n \"name\": \"c\"}]}", false,
        true);
    assertThat(json.field()).isEqualTo("volumes[1].name");
    assertThat(json.getMessage()).isEqualTo(
        "duplicate key \"name\" at line 3 (first at line 2) in 'volumes[1]'; give each key once");
    ApiException yaml = refused("name: a\nsize: 1Gi\nname: b\n", true, true);
    assertThat(yaml.field()).isEqualTo("name");
    assertThat(yaml.getMessage()).contains("at line 3 (first at line 1) in the body");
    ApiException odd = refused("{\"labels\": {\"a/b c\": 1, \"a/b c\": 2}}", false, true);
    assertThat(odd.field()).isEqualTo("labels[\"a/b c\"]");
  }

  @Test
  void oneObjectEndpointsTakeOneYamlDocument() {
    ApiException extra = refused("name: a\n---\nname: b\n", true, true);
    assertThat(extra.getMessage()).contains("more than one YAML document (another starts at line 3)");
    assertThat(StrictDocuments.read("---\nname: a\n---\n", true, true)).extracting(StrictDocuments.Document::value)
        .containsExactly(new JsonObject().put("name", "a"), null);
    assertThat(StrictDocuments.read("name: a\n---\nname: b\n", true, false)).extracting(StrictDocuments.Document::line)
        .containsExactly(1, 3);
    ApiException secondDuplicate = refused("---\n---\na: 1\n---\nb: 1\nb: 2\n", true, false);
    assertThat(secondDuplicate.field()).as("empty documents are not counted").isEqualTo("documents[1].b");
  }

  @Test
  void jsonIsOneValue() {
    assertThat(refused("{\"a\": 1} {\"b\": 2}", false, true).getMessage())
        .contains("more after its JSON value");
    assertThat(refused("{\"a\": 1", false, true).getMessage()).startsWith("the body is not valid JSON");
    ApiException inArray = refused("[{\"volume\": {}}, {\"volume\": {\"a\": 1, \"a\": 1}}]", false, false);
    assertThat(inArray.field()).isEqualTo("documents[1].volume.a");
  }

  @Test
  void textThatCannotBeStoredIsRefusedWithoutShowingAKey() {
    ApiException value = refused("{\"labels\": {\"app\": \"we\\u0000b\"}}", false, true);
    assertThat(value.field()).isEqualTo("labels.app");
    assertThat(value.getMessage()).contains("NUL character", "at position 3");
    ApiException key = refused("{\"data\": {\"secret-value\\u0000\": \"x\"}}", false, true);
    assertThat(key.field()).isEqualTo("data");
    assertThat(key.getMessage()).doesNotContain("secret-value");
    assertThat(refused("a: \"\\0\"\n", true, true).field()).isEqualTo("a");
    assertThat(refused("{\"a\": \"\\ud800x\"}", false, true).getMessage()).contains("unpaired UTF-16 surrogate");
    assertThat(one("{\"a\": \"\\ud83d\\ude00 \\n\\t\"}", false)).as("pairs and other control characters are text")
        .isEqualTo(new JsonObject().put("a", "\ud83d\ude00 \n\t"));
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedNotReplaced() {
    byte[] json = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
    ApiException e = catchThrowableOfType(ApiException.class, () -> StrictDocuments.read(json, false, true));
    assertThat(e.code()).isEqualTo("MalformedBody");
    byte[] yaml = {'a', ':', ' ', (byte) 0xc3, '\n'};
    assertThat(catchThrowableOfType(ApiException.class, () -> StrictDocuments.read(yaml, true, true)).code())
        .isEqualTo("MalformedBody");
  }

  @Test
  void yamlTagsAndDeepNestingAreRefused() {
    assertThat(refused("a: !!binary aGVsbG8=\n", true, true).getMessage()).contains("!!binary");
    String deep = "[".repeat(StrictDocuments.MAX_DEPTH + 2) + "]".repeat(StrictDocuments.MAX_DEPTH + 2);
    assertThat(refused(deep, false, true).getMessage()).contains("nests deeper than");
    assertThat(refused(deep, true, true).getMessage()).contains("nests deeper than");
  }

  @Test
  void alreadyParsedBodiesAreCheckedTheSameWay() {
    StrictDocuments.checkStorable("", new JsonObject().put("a", new JsonArray().add("fine\n")));
    ApiException nested = catchThrowableOfType(ApiException.class, () -> StrictDocuments.checkStorable("",
        new JsonObject().put("volumes", new JsonArray().add(new JsonObject().put("mountPath", "/a\u0000")))));
    assertThat(nested.field()).isEqualTo("volumes[0].mountPath");
    assertThat(nested.status()).isEqualTo(400);
  }
}
